"""Declared star schemas: dimensions, facts, events and bridges, and the cross-table rules.

Columns are the discriminated union of the column kinds (plotsim_dbt/columns): a column's
``type`` is one word (``id``, ``email``) or a word with an argument (``ref.dim_plan``,
``metric.mrr``, ``lag.mrr:periods:1``, ``static.pro``, ``pool.region``); a few kinds take options
(``scd``: tracks/tiers/at, ``range``: min/max, ``bucket``: labels). When a config declares no
tables, ``automatic_schema`` builds the classic dim_<unit> + fct_<unit> pair from the same parts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field, model_validator

from ..cdc.options import CdcOptions
from ..columns import CheckContext, Column, words_for
from ..columns.constants import StaticColumn
from ..columns.keys import IdColumn, RefColumn
from ..columns.scd import ScdColumn
from ..sinks.event_logs import check_log
from .base import MAX_IDENTIFIER, Frozen, Identifier
from .grains import check_grains

OPEN_END_DATE = dt.date(9999, 12, 31)


class Dimension(Frozen):
    name: Identifier
    grain: Literal["entity", "reference", "sub_entity", "period"] = Field(
        "entity",
        description="entity: one row per entity (or per SCD2 version); reference: a lookup of `count` rows; "
        "sub_entity: `count` rows per entity; period: one row per period (ids 1..periods), which a fact's or "
        "event's ref.<dim> points at by the row's own period.",
    )
    count: int | None = Field(None, ge=1, description="Rows of a reference dimension, or rows per entity of a sub_entity one.")
    open_end: Literal["null", "9999-12-31"] = Field(
        "null", description="SCD2: valid_to of current rows, NULL or 9999-12-31 (the two dbt snapshot conventions)."
    )
    description: str | None = None
    columns: list[Column] = Field(min_length=1)
    cdc: bool | CdcOptions = Field(
        False, description="Emit a change feed <table>_changes (inserts, updates, deletes) with its truth: true, or the options of docs/snapshots.md."
    )

    @model_validator(mode="before")
    @classmethod
    def _open_end(cls, data: Any) -> Any:
        if isinstance(data, dict) and "open_end" in data:
            value = data["open_end"]
            data = {**data, "open_end": "null" if value is None else str(value)}
        return data

    @property
    def scd_column(self) -> ScdColumn | None:
        return next((c for c in self.columns if isinstance(c, ScdColumn)), None)


class Proportional(Frozen):
    driver: str = Field(description="Metric whose realised value sets the rows per entity and period.")
    scale: float = Field(gt=0, le=10_000, description="Rows = round(value x scale).")


class Fact(Frozen):
    name: Identifier
    description: str | None = None
    columns: list[Column] = Field(min_length=1)
    cdc: bool | CdcOptions = Field(
        False, description="Emit a change feed <table>_changes (inserts, updates, deletes) with its truth: true, or the options of docs/snapshots.md."
    )
    proportional: Proportional | None = Field(
        None, description="Variable grain: round(driver x scale) rows per entity and period (e.g. orders); the table needs an id column."
    )
    parent: Identifier | None = Field(
        None,
        description="Child grain: the variable or child fact whose rows this one details "
        "(order items under orders); needs children_per_row and a ref.<parent> column.",
    )
    children_per_row: tuple[int, int] | None = Field(None, description="Child grain: [min >= 1, max >= min] rows per parent row.")

    @model_validator(mode="after")
    def _one_grain(self) -> Fact:
        if self.proportional is not None and self.parent is not None:
            raise ValueError("parent: a fact is variable (proportional) or a child (parent), not both")
        if (self.parent is None) != (self.children_per_row is None):
            raise ValueError("children_per_row: a child fact needs parent and children_per_row together")
        if self.children_per_row is not None and not 1 <= self.children_per_row[0] <= self.children_per_row[1]:
            raise ValueError(f"children_per_row: need [min >= 1, max >= min], got {list(self.children_per_row)}")
        return self

    @property
    def grain(self) -> str:
        """entity_period (one row per entity and period), variable (proportional) or child (parent)."""
        return "variable" if self.proportional is not None else "child" if self.parent is not None else "entity_period"


class Threshold(Frozen):
    metric: str
    above: float | None = None
    below: float | None = None
    for_periods: int = Field(1, ge=1, alias="for", description="Consecutive periods the condition must hold.")

    @model_validator(mode="after")
    def _one_side(self) -> Threshold:
        if (self.above is None) == (self.below is None):
            raise ValueError("above: give exactly one of above or below")
        return self


ACTIVE_STATUS = "active"
END_COLUMNS = ("status", "ended_on")  # added to the entity dimension when an event can end an entity


class Event(Frozen):
    name: Identifier
    description: str | None = None
    proportional: Proportional | None = None
    threshold: Threshold | None = None
    ends_entity: bool = Field(
        False,
        description="A threshold event that ends its entity: after it, the entity has no "
        "facts, events or versions, and the entity dimension records the end.",
    )
    status: Identifier | None = Field(
        None, description="The entity's status once this event has ended it (default: the event name without an evt_ prefix, e.g. churn)."
    )
    columns: list[Column] = Field(min_length=1)
    log_format: str | None = Field(
        None,
        description="Also write the event as a text log, one line per row: a Python format "
        "string over the event's columns, e.g. '{visited_at} visit {visit_id} by {account_id}'.",
    )
    log_filename: str | None = Field(None, description="The log's file name beside the tables (default <event>.log).")

    @model_validator(mode="after")
    def _one_mechanism(self) -> Event:
        if (self.proportional is None) == (self.threshold is None):
            raise ValueError("proportional: an event needs exactly one of proportional {driver, scale} or threshold {metric, above|below, for}")
        if self.ends_entity and self.threshold is None:
            raise ValueError("ends_entity: only a threshold event can end its entity (a proportional event fires every period)")
        if self.status is not None and not self.ends_entity:
            raise ValueError("status: a status label needs ends_entity: true")
        if self.status == ACTIVE_STATUS:
            raise ValueError(f"status: {ACTIVE_STATUS!r} is the status of entities that have not ended; choose another label")
        if self.log_filename is not None and self.log_format is None:
            raise ValueError("log_filename: a log needs its line format (log_format)")
        if self.log_format is not None:
            check_log(self.log_format, self.log_filename, [c.name for c in self.columns])
        return self

    @property
    def log_file(self) -> str | None:
        """The file name of the event's log, when it has one."""
        return None if self.log_format is None else self.log_filename or f"{self.name}.log"

    @property
    def end_status(self) -> str:
        """The entity's status after this (terminal) event."""
        return self.status or self.name.removeprefix("evt_")

    @property
    def source_metric(self) -> str:
        return self.proportional.driver if self.proportional else self.threshold.metric


class Bridge(Frozen):
    name: Identifier
    left: str = Field(description="The entity dimension.")
    right: str = Field(description="A reference dimension.")
    cardinality: tuple[int, int] = Field(description="[min, max] links per entity.")
    driver: str | None = Field(None, description="Metric whose level sets how many links an entity holds; default the trajectory.")
    links: Literal["trajectory", "uniform"] = Field(
        "trajectory",
        description="trajectory: the link count follows the driver or the trajectory; uniform: a random count "
        "in [min, max] per entity, whatever its story.",
    )
    description: str | None = None
    columns: list[Column] = Field(
        default_factory=list,
        description="Columns after the two keys: metric.<name> (the entity's "
        "mean realised value), static, range or a realistic kind (name, company, ...) per link.",
    )

    @model_validator(mode="after")
    def _bounds(self) -> Bridge:
        low, high = self.cardinality
        if low < 0 or high < 1 or low > high:
            raise ValueError(f"cardinality: need 0 <= min <= max and max >= 1, got {list(self.cardinality)}")
        if self.links == "uniform" and self.driver is not None:
            raise ValueError("driver: a bridge with links: uniform draws its link counts at random; remove driver or the uniform links")
        return self


class Schema(Frozen):
    """The declared schema: what the engine builds, in this order."""

    dimensions: list[Dimension]
    facts: list[Fact]
    events: list[Event]
    bridges: list[Bridge]

    @property
    def entity_dimension(self) -> Dimension:
        return next(d for d in self.dimensions if d.grain == "entity")

    @property
    def entity_key(self) -> str:
        return key_column(self.entity_dimension)

    @property
    def scd_dimension(self) -> Dimension | None:
        """The entity dimension when it keeps SCD2 history."""
        dim = self.entity_dimension
        return dim if dim.scd_column is not None else None

    def dimension(self, name: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.name == name), None)

    @property
    def table_names(self) -> list[str]:
        return [t.name for group in (self.dimensions, self.facts, self.events, self.bridges) for t in group]


def key_column(table: Dimension | Event) -> str | None:
    """Name of the table's id column."""
    return next((c.name for c in table.columns if isinstance(c, IdColumn)), None)


def ref_column(table: Dimension | Fact | Event, target: str) -> str | None:
    """Name of the table's column that references ``target``."""
    return next((c.name for c in table.columns if isinstance(c, RefColumn) and c.target == target), None)


def reference_rows(dim: Dimension) -> int:
    """Rows of a reference dimension: count, or the longest static list (shorter lists cycle)."""
    lists = [len(c.options) for c in dim.columns if isinstance(c, StaticColumn)]
    return dim.count or max(lists, default=1)


def automatic_schema(unit: str, metrics: list[str], attributes: list[str]) -> Schema:
    """dim_<unit> (key, name, segment attributes) and fct_<unit> (date, key, every metric)."""
    key = f"{unit}_id"
    dim = Dimension(
        name=f"dim_{unit}",
        columns=[{"name": key, "type": "id"}, {"name": f"{unit}_name", "type": "entity_name"}]
        + [{"name": a, "type": f"pool.{a}"} for a in attributes],
    )
    fact = Fact(
        name=f"fct_{unit}",
        columns=[{"name": "date_key", "type": "ref.dim_date"}, {"name": key, "type": f"ref.dim_{unit}"}]
        + [{"name": m, "type": f"metric.{m}"} for m in metrics],
    )
    return Schema(dimensions=[dim], facts=[fact], events=[], bridges=[])


def generated_tables(facts: list[str]) -> dict[str, str]:
    """Tables plotsim writes besides the declared ones (and the truth_* tables), with what each is."""
    names = {
        "dim_date": "the generated date dimension",
        "entity_features": "the entity-feature model of the dbt package",
        "_entity_features": "the entity-feature table a run writes",
    }
    for fact in facts:
        names |= {f"{fact}_train": f"the training split of {fact} (holdout)", f"{fact}_holdout": f"the held-out split of {fact} (holdout)"}
    return names


def check_table_names(schema: Schema, where: Callable[[str], str], holdout: bool, fix: str = "rename your table") -> None:
    """Table names are unique ignoring case (SQL identifiers do) and never one plotsim writes
    itself; ``where`` gives a table's field path. Raises ValueError('<field path>: message')."""
    generated = {name.lower(): (name, what) for name, what in generated_tables([f.name for f in schema.facts]).items()}
    seen: dict[str, str] = {}
    for name in schema.table_names:
        key = name.lower()
        if key in seen:
            how = "is declared twice" if seen[key] == name else f"repeats {seen[key]!r} (SQL names ignore case)"
            raise ValueError(f"{where(name)}: table name {name!r} {how}; rename one")
        if key in generated:
            raise ValueError(f"{where(name)}: table name {name!r} is taken by {generated[key][1]}, which plotsim writes; {fix}")
        if key.startswith("truth_"):
            raise ValueError(f"{where(name)}: table name {name!r} is reserved (truth_* names hold the ground-truth tables); {fix}")
        seen[key] = name
    for fact in schema.facts if holdout else ():
        split = f"{fact.name}_holdout"
        if len(split) > MAX_IDENTIFIER:
            raise ValueError(
                f"{where(fact.name)}: the holdout split {split!r} would be longer than {MAX_IDENTIFIER} characters "
                f"(the DuckDB and Postgres identifier limit); shorten the fact name to {MAX_IDENTIFIER - len('_holdout')}"
            )


def check_schema(
    schema: Schema,
    metrics: list[str],
    periods: int,
    attributes: set[str],
    entities: int,
    segments: tuple[str, ...] = (),
    locales: tuple[str, ...] = (),
) -> None:
    """Cross-table rules; raises ValueError('<field path>: message')."""
    entity_dims = [d for d in schema.dimensions if d.grain == "entity"]
    if len(entity_dims) != 1:
        raise ValueError(f"dimensions: declare exactly one dimension with grain: entity (one row per entity), found {len(entity_dims)}")
    entity = entity_dims[0]
    dims = {d.name: d for d in schema.dimensions}
    facts = {f.name: f for f in schema.facts}
    for group, tables in (("dimensions", schema.dimensions), ("facts", schema.facts), ("events", schema.events), ("bridges", schema.bridges)):
        for t, table in enumerate(tables):
            role = table.grain if group == "dimensions" else group[:-1]
            context = dict(
                table=table.name,
                role=role,
                dimensions=dims,
                facts=facts,
                entity_table=entity.name,
                metrics=tuple(metrics),
                periods=periods,
                attributes=frozenset(attributes),
                entities=entities,
                segments=tuple(segments),
                locales=tuple(locales),
                event_rule=None if group != "events" else "threshold" if table.threshold else "proportional",
            )
            _check_columns(f"{group}.{t}", table, context)
    logs: dict[str, str] = {}
    for e, event in enumerate(schema.events):
        if event.log_file in logs:
            raise ValueError(f"events.{e}.log_filename: {event.log_file!r} is already the log of {logs[event.log_file]}; give each log its own file")
        if event.log_file is not None:
            logs[event.log_file] = event.name
    for d, dim in enumerate(schema.dimensions):
        if (
            dim.grain in ("reference", "sub_entity")
            and dim.count is None
            and not (dim.grain == "reference" and any(isinstance(c, StaticColumn) for c in dim.columns))
        ):
            raise ValueError(f"dimensions.{d}.count: a {dim.grain} dimension needs count (rows{' per entity' if dim.grain == 'sub_entity' else ''})")
        if dim.grain in ("entity", "period") and dim.count is not None:
            raise ValueError(
                f"dimensions.{d}.count: {'an entity' if dim.grain == 'entity' else 'a period'} dimension has one row per {dim.grain}; remove count"
            )
        if dim.grain != "entity" and dim.cdc:
            raise ValueError(f"dimensions.{d}.cdc: a change feed follows the entity dimension or a fact, not a {dim.grain} dimension; remove cdc")
        if dim.grain == "sub_entity" and ref_column(dim, entity.name) is None:
            raise ValueError(f"dimensions.{d}.columns: a sub_entity dimension needs a column of type ref.{entity.name}")
    for f, fact in enumerate(schema.facts):
        refs = {c.target for c in fact.columns if isinstance(c, RefColumn)}
        if not {"dim_date", entity.name} <= refs:
            raise ValueError(f"facts.{f}.columns: a fact needs ref.dim_date and ref.{entity.name} columns (its key)")
    check_grains(schema.facts, metrics)
    for e, event in enumerate(schema.events):
        if key_column(event) is None:
            raise ValueError(f"events.{e}.columns: an event needs an id column (its primary key)")
        if ref_column(event, entity.name) is None:
            raise ValueError(f"events.{e}.columns: an event needs a ref.{entity.name} column")
        if event.source_metric not in metrics:
            field = "proportional.driver" if event.proportional else "threshold.metric"
            raise ValueError(f"events.{e}.{field}: {event.source_metric!r} is not a declared metric")
    if any(e.ends_entity for e in schema.events):
        taken = sorted({c.name for c in entity.columns} & set(END_COLUMNS))
        if taken:
            d = schema.dimensions.index(entity)
            raise ValueError(
                f"dimensions.{d}.columns: {taken[0]!r} is added to {entity.name} by the events that end an entity (ends_entity); rename your column"
            )
    for b, bridge in enumerate(schema.bridges):
        if bridge.left != entity.name:
            raise ValueError(f"bridges.{b}.left: a bridge starts at the entity dimension {entity.name!r}, not {bridge.left!r}")
        right = dims.get(bridge.right)
        if right is None or right.grain != "reference":
            raise ValueError(f"bridges.{b}.right: {bridge.right!r} is not a declared reference dimension")
        if bridge.cardinality[1] > reference_rows(right):
            raise ValueError(f"bridges.{b}.cardinality: max {bridge.cardinality[1]} exceeds the {reference_rows(right)} rows of {right.name}")
        if bridge.driver is not None and bridge.driver not in metrics:
            raise ValueError(f"bridges.{b}.driver: {bridge.driver!r} is not a declared metric")
        keys = {key_column(entity), key_column(right)}
        for c, column in enumerate(bridge.columns):
            taken = next((k for k in keys if k.lower() == column.name.lower()), None)
            if taken is not None:
                raise ValueError(
                    f"bridges.{b}.columns.{c}.name: {column.name!r} collides with {taken!r}, a key column of the bridge "
                    "(SQL names ignore case); rename yours"
                )


def check_date_columns(columns: list) -> None:
    """dim_date's added columns: typed date/int/string/float, named apart from its own columns and each other."""
    from ..columns.date_columns import DATE_SQL  # the column kinds import the config base: resolve at call time

    taken = {name.lower(): "dim_date's own column" for name in DATE_SQL}
    for c, column in enumerate(columns):
        where = f"date_columns.{c}"
        if "date" not in column.roles:
            raise ValueError(f"{where}.type: a dim_date column is {', '.join(words_for('date'))} with sql, not {column.type!r}")
        if column.name.lower() in taken:
            raise ValueError(f"{where}.name: {column.name!r} is {taken[column.name.lower()]}; rename it")
        taken[column.name.lower()] = "declared twice (SQL names ignore case)"
        column.check(
            CheckContext(
                path=where,
                table="dim_date",
                role="date",
                dimensions={},
                facts={},
                entity_table="",
                metrics=(),
                periods=0,
                attributes=frozenset(),
                entities=0,
            )
        )


def table_path(schema: Schema, name: str) -> str:
    """Field path of a declared table, e.g. facts.1."""
    for group in ("dimensions", "facts", "events", "bridges"):
        for i, table in enumerate(getattr(schema, group)):
            if table.name == name:
                return f"{group}.{i}"
    return name


def _check_columns(path: str, table, context: dict) -> None:
    role = context["role"]
    seen: dict[str, str] = {}
    for c, column in enumerate(table.columns):
        where = f"{path}.columns.{c}"
        first = seen.setdefault(column.name.lower(), column.name)
        if first != column.name or [x.name for x in table.columns].count(column.name) > 1:
            also = "" if first == column.name else f" (as {first!r}: SQL names ignore case)"
            raise ValueError(f"{where}.name: column {column.name!r} appears twice in {table.name}{also}; rename one")
        if role not in column.roles:
            raise ValueError(f"{where}.type: a {role.replace('_', '-')} table cannot hold {column.type!r}; it accepts {', '.join(words_for(role))}")
        column.check(CheckContext(path=where, **context))
    ids = [c for c in table.columns if isinstance(c, IdColumn)]
    if role in ("entity", "reference", "sub_entity", "period") and len(ids) != 1:
        raise ValueError(f"{path}.columns: {table.name} needs exactly one id column (its key), found {len(ids)}")
    if role == "event" and len(ids) > 1:
        raise ValueError(f"{path}.columns: {table.name} has {len(ids)} id columns; keep one")
    if sum(isinstance(c, ScdColumn) for c in table.columns) > 1:
        raise ValueError(f"{path}.columns: a dimension tracks at most one scd column")
