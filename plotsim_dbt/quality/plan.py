"""Resolve a config's ``quality`` issues onto the fact and event tables they corrupt: which columns
each touches (never a key, foreign key or period column), checked once, and the table's schema as
written (a text column for type_mismatch, ``<column>_v2`` for schema_drift, ``_arrival_period``
for late_arrival)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pyarrow as pa

from ..config.errors import ConfigError
from ..config.models import Config
from ..config.quality import COLUMN_ISSUES
from ..plan.tables import VERSION_KEY, TablePlan

ARRIVAL_COLUMN = "_arrival_period"
DRIFT_SUFFIX = "_v2"
PERIOD_COLUMNS = ("date_key", "period", "period_index", "period_label")


@dataclass(frozen=True)
class FaultPlan:
    index: int  # position in config.quality: keys the fault's random stream and its truth rows
    kind: str
    table: str
    columns: tuple[str, ...]  # column issues: the columns hit (each with its own draw); else ()
    rate: float
    seed_offset: int = 0
    mode: str | None = None  # volume_anomaly: spike or drop
    periods: tuple[int, ...] = ()  # volume_anomaly: the periods hit

    @property
    def phase(self) -> int:
        """Faults apply in three phases (each in config order): rows removed, then cells changed,
        then rows copied. So a copy repeats its row as written and every cell fault has one clean value."""
        if self.kind == "volume_anomaly":
            return 0 if self.mode == "drop" else 2
        return 2 if self.kind == "duplicate_rows" else 1


def protected(table: TablePlan) -> set[str]:
    """Columns no fault touches: keys, foreign keys, the period columns and the version key."""
    return {*table.primary_key, *(c for c, _, _ in table.foreign_keys), *PERIOD_COLUMNS, VERSION_KEY, getattr(table, "date_column", None) or ""}


def _columns(issue, table: TablePlan, path: str) -> tuple[str, ...]:
    if issue.issue not in COLUMN_ISSUES:
        return ()
    names = [c.name for c in table.columns]
    guarded = protected(table)
    if issue.column == "*":
        found = tuple(n for n in names if n not in guarded)
        if not found:
            raise ConfigError(f"{path}.column", f"{table.name} has no column a fault may touch (keys and periods are protected)")
        return found
    if issue.column not in names:
        raise ConfigError(f"{path}.column", f"{table.name} has no column {issue.column!r}; its columns: {', '.join(names)}")
    if issue.column in guarded:
        raise ConfigError(
            f"{path}.column", f"{issue.column!r} is protected (a key, foreign key or period column): faults never touch it; name another column"
        )
    return (issue.column,)


def _faults(config: Config, tables: dict[str, TablePlan], periods: int) -> list[FaultPlan]:
    faults = []
    for i, issue in enumerate(config.quality):
        path = f"quality.{i}"
        table = tables[issue.table]  # a fact or event table: the config checks it
        dated = issue.issue in ("late_arrival", "volume_anomaly")
        if dated and table.date_column is None:
            raise ConfigError(f"{path}.table", f"{issue.issue} needs a table with a date_key column; {table.name} has none")
        outside = [p for p in issue.at_periods if p >= periods]
        if outside:
            raise ConfigError(f"{path}.period", f"period {outside[0]} is outside the window (periods 0 to {periods - 1})")
        faults.append(
            FaultPlan(i, issue.issue, table.name, _columns(issue, table, path), issue.rate, issue.seed_offset, issue.mode, issue.at_periods)
        )
    return faults


def attach_faults(config: Config, tables: dict[str, TablePlan], periods: int) -> dict[str, TablePlan]:
    """The tables with their faults (in the order they apply) and their schema as written."""
    faults = _faults(config, tables, periods)
    out = dict(tables)
    for name in dict.fromkeys(f.table for f in faults):
        mine = tuple(sorted((f for f in faults if f.table == name), key=lambda f: (f.phase, f.index)))
        out[name] = replace(tables[name], faults=mine, raw_schema=raw_schema(tables[name], mine))
    return out


def raw_schema(table: TablePlan, faults: tuple[FaultPlan, ...]) -> pa.Schema:
    """The schema a table is written with once its faults are applied; refuses two faults that
    would add the same column."""
    fields = list(table.clean_schema)
    for fault in faults:
        path = f"quality.{fault.index}"
        for column in fault.columns:
            i = next(k for k, f in enumerate(fields) if f.name == column)
            if fault.kind == "type_mismatch":
                if pa.types.is_string(fields[i].type):
                    raise ConfigError(f"{path}.column", f"{column!r} is text already; type_mismatch turns a number or date column into text")
                fields[i] = pa.field(column, pa.string())
            elif fault.kind == "schema_drift":
                fields.append(_new_field(fields, pa.field(column + DRIFT_SUFFIX, fields[i].type), path))
        if fault.kind == "late_arrival":
            fields.append(_new_field(fields, pa.field(ARRIVAL_COLUMN, pa.int32()), path))
    return pa.schema(fields)


def _new_field(fields: list[pa.Field], field: pa.Field, path: str) -> pa.Field:
    if any(f.name == field.name for f in fields):
        raise ConfigError(path, f"the table has a column {field.name!r} already (another issue added it); give each such issue once")
    return field
