"""The change-feed table plan: ``<table>_changes`` for each fact or entity dimension with ``cdc:``."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from ..columns import ColumnPlan
from ..plan.grains import GrainFactTable
from ..plan.tables import VERSION_KEY, EntityTable, FactTable, TablePlan
from .options import CdcOptions, cdc_options

SUFFIX = "_changes"
# Columns of an SCD2 dimension that describe the warehouse's history, not the source row.
HISTORY_COLUMNS = (VERSION_KEY, "valid_from", "valid_to", "is_current")
OPS = ("insert", "update", "delete")

FEED_COLUMNS = (
    ColumnPlan(
        "_op", pa.string(), "The change: insert, update or delete (a delete carries the row's last values).", accepted_values=OPS, not_null=True
    ),
    ColumnPlan(
        "_seq",
        pa.int64(),
        "Change sequence number, ascending in change time: seconds from the window start x 2**32 + "
        "the entity's index; a duplicate delivery repeats it.",
        not_null=True,
    ),
    ColumnPlan("_changed_at", pa.timestamp("us"), "When the change happened in the source (a snapshot's updated_at).", not_null=True),
    ColumnPlan(
        "_commit_ts", pa.timestamp("us"), "When the feed delivered it: later than _changed_at for late and out-of-order deliveries.", not_null=True
    ),
    ColumnPlan("_batch", pa.int32(), "The snapshot batch whose extract first includes the delivery (var plotsim_batch).", not_null=True),
)


@dataclass(frozen=True, kw_only=True)
class ChangeTable(TablePlan):
    source: str  # the fact or entity dimension the feed follows
    key: tuple[str, ...]  # the source row's key: the entity id, (date, entity) of a per-entity-per-period fact, a variable or child fact's id
    values: tuple[str, ...]  # the source columns each change carries
    options: CdcOptions


def change_table(source: TablePlan, cdc) -> ChangeTable | None:
    options = cdc_options(cdc)
    if options is None:
        return None
    if isinstance(source, FactTable):
        key = (source.date_column, source.entity_column)
    elif isinstance(source, (EntityTable, GrainFactTable)):
        key = (source.key,)
    else:
        raise ValueError(f"{source.name}: a change feed follows a fact or the entity dimension")
    history = HISTORY_COLUMNS if isinstance(source, EntityTable) else ()
    kept = tuple(c for c in source.columns if c.name not in history)
    # A change row is not a table row: keys repeat, references hold as of the change.
    values = tuple(ColumnPlan(c.name, c.type, c.description, not_null=c.not_null and c.name in key) for c in kept)
    return ChangeTable(
        name=source.name + SUFFIX,
        role="changes",
        primary_key=(),
        source=source.name,
        key=key,
        values=tuple(c.name for c in kept),
        options=options,
        columns=FEED_COLUMNS + values,
        description=f"Change feed of {source.name}: one row per delivered change (insert, update, delete) with its commit "
        f"time and sequence number; replayed by _seq it gives {source.name}'s state at any time.",
    )


def change_tables(config, tables: dict[str, TablePlan]) -> list[ChangeTable]:
    """The feeds the config asks for, after the tables they follow."""
    declared = [*config.schema.dimensions, *config.schema.facts]
    return [t for t in (change_table(tables[d.name], d.cdc) for d in declared if d.cdc) if t is not None]
