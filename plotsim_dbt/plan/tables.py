"""Resolve the declared schema into frozen table plans: every table's resolved columns (the
declared ones and those the engine adds), its Arrow schema, keys, references and description."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from ..columns import ColumnPlan
from ..columns.lifecycle import FactStagePlan, LifecyclePlan
from ..columns.scd import ScdPlan, TrackedPlan
from ..columns.timestamps import TimestampPlan
from ..config.errors import ConfigError
from ..config.models import Config
from ..config.schema import ACTIVE_STATUS, Bridge, Dimension, Event, Fact, key_column, ref_column, reference_rows, table_path
from .centres import MetricPlan

if TYPE_CHECKING:
    from ..quality.plan import FaultPlan

VERSION_KEY = "dim_row_id"

DATE_COLUMNS = (
    ("date_key", pa.int32(), "Primary key: the period's anchor date as YYYYMMDD."),
    ("date", pa.date32(), "Anchor date of the period (month start, ISO Monday or the day)."),
    ("year", pa.int16(), "Calendar year."),
    ("quarter", pa.int8(), "Calendar quarter, 1-4."),
    ("month", pa.int8(), "Calendar month, 1-12."),
    ("month_name", pa.string(), "Month name in English."),
    ("week", pa.int8(), "ISO week number of the anchor date."),
    ("period_label", pa.string(), "YYYY-MM, YYYY-Www or YYYY-MM-DD."),
    ("period_index", pa.int32(), "0-based position of the period in the window."),
)


@dataclass(frozen=True, kw_only=True)
class TablePlan:
    name: str
    role: str  # date, reference, entity, sub_entity, fact, event, bridge
    description: str
    columns: tuple[ColumnPlan, ...]  # every column in output order, engine-added ones included
    primary_key: tuple[str, ...]
    per_entity: bool = True  # made block by block (it grows with the entities)
    faults: tuple[FaultPlan, ...] = ()  # quality faults injected into the table (facts and events), in the order they apply
    raw_schema: pa.Schema | None = None  # the schema as written when the table has faults

    @property
    def schema(self) -> pa.Schema:
        """The table as written: with its quality faults' text columns and added columns."""
        return self.raw_schema if self.raw_schema is not None else self.clean_schema

    @property
    def clean_schema(self) -> pa.Schema:
        """The table as generated, before any quality fault."""
        return pa.schema([(c.name, c.type) for c in self.columns])

    def column(self, name: str) -> ColumnPlan:
        return next(c for c in self.columns if c.name == name)

    @property
    def foreign_keys(self) -> list[tuple[str, str, str]]:
        """(column, parent table, parent column) of every reference."""
        return [(c.name, *c.foreign_key) for c in self.columns if c.foreign_key is not None]

    @property
    def metric_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.metric is not None]


@dataclass(frozen=True, kw_only=True)
class DateTable(TablePlan):
    per_entity: bool = False


@dataclass(frozen=True, kw_only=True)
class ReferenceTable(TablePlan):
    rows: int
    per_entity: bool = False


@dataclass(frozen=True, kw_only=True)
class PeriodTable(TablePlan):
    """A dimension of one row per period (ids 1..periods), besides dim_date."""

    per_entity: bool = False


@dataclass(frozen=True, kw_only=True)
class EntityTable(TablePlan):
    key: str
    tracked: tuple[TrackedPlan, ...] = ()  # SCD2 attributes (tier, lifecycle stage): one row per version when any
    open_end: str = "null"  # valid_to of current versions: "null" or "9999-12-31"
    ends: bool = False  # events can end entities: the table has status and ended_on

    @property
    def scd(self) -> TrackedPlan | None:
        """The attribute truth_scd_versions labels versions with (the tier, else the stage); None: not SCD2."""
        return self.tracked[0] if self.tracked else None


@dataclass(frozen=True, kw_only=True)
class SubEntityTable(TablePlan):
    key: str
    count: int


@dataclass(frozen=True, kw_only=True)
class FactTable(TablePlan):
    date_column: str
    entity_column: str
    versioned: bool = False  # carries the SCD2 dimension's dim_row_id


@dataclass(frozen=True, kw_only=True)
class EventTable(TablePlan):
    key: str
    entity_column: str
    date_column: str | None
    metric: int  # driver (proportional) or watched metric (threshold), index in the cell array
    scale: float | None = None  # proportional: rows = round(value x scale)
    above: float | None = None  # threshold: fires after `hold` periods above or below
    below: float | None = None
    hold: int = 1
    placed: bool = False  # timestamps follow the weekly calendar
    versioned: bool = False
    ends_with: str | None = None  # the status the event ends its entity with; None: it ends nothing


@dataclass(frozen=True, kw_only=True)
class BridgeTable(TablePlan):
    left_key: str
    right_key: str
    right: str
    right_rows: int
    low: int
    high: int
    driver: MetricPlan | None = None  # sets the link count; None: the trajectory
    uniform: bool = False  # the link count is drawn uniformly in [low, high], not from the story


@dataclass(frozen=True)
class DimensionInfo:
    """What a reference to a dimension needs to know about it."""

    name: str
    grain: str
    key: str
    count: int | None
    rows: int | None


@dataclass(frozen=True)
class ResolveContext:
    """What a column kind's ``resolve`` reads."""

    config: Config
    metrics: tuple[MetricPlan, ...]
    dimensions: dict[str, DimensionInfo] = field(default_factory=dict)
    table: str | None = None  # the table whose columns are resolved (set for variable and child facts)
    role: str | None = None  # the role of that table, where a kind resolves by role (set for bridges)

    @property
    def facts(self) -> dict[str, Fact]:
        return {f.name: f for f in self.config.schema.facts}

    def fact_reference(self, column) -> ColumnPlan:
        from .grains import fact_reference

        return fact_reference(self, column)

    def share_source(self, table: str, column: str) -> tuple:
        from .grains import share_source

        return share_source(self, table, column)

    def metric(self, name: str) -> MetricPlan:
        return next(m for m in self.metrics if m.name == name)

    def dimension(self, name: str) -> DimensionInfo:
        return self.dimensions[name]

    @property
    def segments(self):
        return self.config.segments

    @property
    def locales(self) -> tuple[str, ...]:
        return self.config.locales

    def metric_description(self, name: str) -> str:
        metric = next(m for m in self.config.metrics if m.name == name)
        parts = [metric.label or name.replace("_", " ").capitalize(), f"{metric.type or metric.family} metric", f"{metric.polarity} polarity"]
        if metric.follows:
            parts.append(f"trails {metric.follows} by {metric.delay} period(s)")
        places = self.metric(name).decimals
        if places is not None and metric.family != "poisson":
            parts.append("rounded to whole numbers" if places == 0 else f"rounded to {places} decimal places")
        return "; ".join(parts) + "."


def _declared(ctx: ResolveContext, table) -> tuple[ColumnPlan, ...]:
    return tuple(c.resolve(ctx) for c in table.columns)


def _version_column(scd_table: str) -> ColumnPlan:
    return ColumnPlan(VERSION_KEY, pa.int64(), f"The {scd_table} version in force at the row's date.", (scd_table, VERSION_KEY), not_null=True)


def date_table(config: Config) -> DateTable:
    window = config.window
    return DateTable(
        name="dim_date",
        role="date",
        primary_key=("date_key",),
        description=f"One row per {window.every} period of the window {window.start} .. {window.end}.",
        columns=tuple(ColumnPlan(n, t, d, not_null=n == "date_key") for n, t, d in DATE_COLUMNS)
        + tuple(c.resolve(None) for c in config.date_columns),
    )


def _end_statuses(config: Config) -> list[str]:
    """Statuses of the enders, in precedence order: terminal events, then a terminal lifecycle's final stage."""
    lifecycle = config.lifecycle
    final = [lifecycle.stages[-1].name] if lifecycle is not None and lifecycle.ends_entity else []
    return [e.end_status for e in config.schema.events if e.ends_entity] + final


def _lifecycle(ctx: ResolveContext) -> LifecyclePlan:
    lifecycle, metric = ctx.config.lifecycle, ctx.metric(ctx.config.lifecycle.track)
    stages = [s.name for s in lifecycle.stages]
    rule = "only forward" if lifecycle.enforce_order else "up or down"
    if lifecycle.downgrade_delay:
        rule += f"; a step back after {lifecycle.downgrade_delay} period(s) below the stage"
    text = f"Lifecycle stage ({', '.join(stages)}) following {lifecycle.track} ({rule}); a new version starts when it changes" + (
        "; entering the last stage ends the entity." if lifecycle.ends_entity else "."
    )
    return LifecyclePlan(
        lifecycle.column,
        pa.string(),
        text,
        accepted_values=tuple(stages),
        not_null=True,
        index=metric.index,
        low=metric.low,
        high=metric.high,
        enter=np.array([s.threshold for s in lifecycle.stages]),
        exit=np.array([s.exit or 0.0 for s in lifecycle.stages]) if lifecycle.hysteresis else None,
        enforce_order=lifecycle.enforce_order,
        downgrade_delay=lifecycle.downgrade_delay,
        ends_entity=lifecycle.ends_entity,
    )


def _end_columns(ctx: ResolveContext, versioned: bool) -> tuple[ColumnPlan, ...]:
    """The columns an entity dimension gains when something can end its entities."""
    unit, labels = ctx.config.unit, _end_statuses(ctx.config)
    status = f"The {unit}'s status: {ACTIVE_STATUS} until an event ends it, then {' or '.join(labels)}" + (
        " (the ending starts the last version, current from the end date)." if versioned else "."
    )
    return (
        ColumnPlan("status", pa.string(), status, accepted_values=(ACTIVE_STATUS, *dict.fromkeys(labels)), not_null=True),
        ColumnPlan("ended_on", pa.date32(), f"Date of the period the {unit} ended in; NULL while it has not ended."),
    )


def _dimension(ctx: ResolveContext, dim: Dimension) -> TablePlan:
    columns = _declared(ctx, dim)
    key = key_column(dim)
    unit = ctx.config.unit
    ends = bool(_end_statuses(ctx.config))
    if dim.grain == "reference":
        return ReferenceTable(
            name=dim.name,
            role="reference",
            description=dim.description or "A reference lookup.",
            columns=columns,
            primary_key=(key,),
            rows=reference_rows(dim),
        )
    if dim.grain == "period":
        return PeriodTable(
            name=dim.name,
            role="period",
            description=dim.description or f"One row per {ctx.config.window.every} period.",
            columns=columns,
            primary_key=(key,),
        )
    if dim.grain == "sub_entity":
        return SubEntityTable(
            name=dim.name,
            role="sub_entity",
            description=dim.description or f"{dim.count} rows per {unit}.",
            columns=columns,
            primary_key=(key,),
            key=key,
            count=dim.count,
        )
    tracked = tuple(c for c in columns if isinstance(c, ScdPlan))
    if ctx.config.lifecycle is not None and dim.grain == "entity":
        tracked += (_lifecycle(ctx),)
        columns += tracked[-1:]
    if not tracked:
        return EntityTable(
            name=dim.name,
            role="entity",
            description=dim.description or f"One row per {unit}.",
            columns=columns + (_end_columns(ctx, False) if ends else ()),
            primary_key=(key,),
            key=key,
            ends=ends,
        )
    open_end = "NULL" if dim.open_end == "null" else "9999-12-31"
    if next(c for c in dim.columns if c.name == key).description is None:  # the id repeats per version: not the key
        columns = tuple(
            replace(c, description=f"The {unit}'s id; it repeats on each of its SCD2 versions (the key is {VERSION_KEY}).") if c.name == key else c
            for c in columns
        )
    added = (
        ColumnPlan(VERSION_KEY, pa.int64(), "Primary key of the version (SCD2 surrogate key), ascending in entity and version order.", not_null=True),
        ColumnPlan("valid_from", pa.date32(), "First date the version is in force (inclusive).", not_null=True),
        ColumnPlan("valid_to", pa.date32(), f"Date the next version starts (exclusive); {open_end} while current."),
        ColumnPlan("is_current", pa.bool_(), "True on the version in force at the end of the window.", not_null=True),
    )
    return EntityTable(
        name=dim.name,
        role="entity",
        description=dim.description or f"One row per {unit} per SCD2 version.",
        columns=columns + (_end_columns(ctx, True) if ends else ()) + added,
        primary_key=(VERSION_KEY,),
        key=key,
        tracked=tracked,
        open_end=dim.open_end,
        ends=ends,
    )


def _stage_column(ctx: ResolveContext, staged: bool) -> tuple[ColumnPlan, ...]:
    """The lifecycle stage in force, on the first fact carrying the tracked metric (as the reference does)."""
    if not staged:
        return ()
    lifecycle = ctx.config.lifecycle
    return (
        FactStagePlan(
            lifecycle.column,
            pa.string(),
            f"The {ctx.config.unit}'s lifecycle stage in force in the period.",
            accepted_values=tuple(s.name for s in lifecycle.stages),
            not_null=True,
            attribute=lifecycle.column,
        ),
    )


def _fact(ctx: ResolveContext, fact: Fact, entity: str, scd_table: str | None, staged: bool) -> FactTable:
    columns = _declared(ctx, fact)
    date_column, entity_column = ref_column(fact, "dim_date"), ref_column(fact, entity)
    versioned = scd_table is not None and ref_column(fact, scd_table) is not None
    unit = ctx.config.unit
    return FactTable(
        name=fact.name,
        role="fact",
        columns=columns + ((_version_column(scd_table),) if versioned else ()) + _stage_column(ctx, staged),
        description=fact.description
        or f"One row per {unit} per {ctx.config.window.every} period; every metric is derived from the {unit}'s trajectory.",
        primary_key=(date_column, entity_column),
        date_column=date_column,
        entity_column=entity_column,
        versioned=versioned,
    )


def _event(ctx: ResolveContext, event: Event, entity: str, scd_table: str | None) -> EventTable:
    config, unit = ctx.config, ctx.config.unit
    columns = _declared(ctx, event)
    versioned = scd_table is not None and ref_column(event, scd_table) is not None
    key = key_column(event)
    placed = config.calendar is not None and config.calendar.places(event.name)
    if event.proportional is not None:
        rule = event.proportional
        how = f"round({rule.driver} x {rule.scale:g}) rows per {unit} and period"
        mechanism = dict(scale=rule.scale)
    else:
        rule = event.threshold
        side = f"above {rule.above:g}" if rule.above is not None else f"below {rule.below:g}"
        how = f"one row per {unit}, when {rule.metric} has been {side} for {rule.for_periods} period(s)"
        mechanism = dict(above=rule.above, below=rule.below, hold=rule.for_periods, ends_with=event.end_status if event.ends_entity else None)
        if event.ends_entity:
            how += f"; it ends the {unit} (status {event.end_status}): nothing of it follows"
    if placed and any(isinstance(c, TimestampPlan) for c in columns):
        how += f"; timestamps follow each {unit}'s weekly calendar mix"
    return EventTable(
        name=event.name,
        role="event",
        description=event.description or f"Events: {how}.",
        columns=columns + ((_version_column(scd_table),) if versioned else ()),
        primary_key=(key,),
        key=key,
        entity_column=ref_column(event, entity),
        date_column=ref_column(event, "dim_date"),
        metric=ctx.metric(event.source_metric).index,
        placed=placed,
        versioned=versioned,
        **mechanism,
    )


def _bridge(ctx: ResolveContext, bridge: Bridge, entity_key: str) -> BridgeTable:
    right = ctx.dimension(bridge.right)
    low, high = bridge.cardinality
    unit = ctx.config.unit
    columns = (
        ColumnPlan(entity_key, pa.int64(), f"Foreign key to {bridge.left}.", (bridge.left, entity_key), not_null=True),
        ColumnPlan(right.key, pa.int64(), f"Foreign key to {bridge.right}.", (bridge.right, right.key), not_null=True),
    ) + _declared(replace(ctx, table=bridge.name, role="bridge"), bridge)
    how = "a uniformly random number of them" if bridge.links == "uniform" else f"more for a higher {bridge.driver or 'trajectory'}"
    return BridgeTable(
        name=bridge.name,
        role="bridge",
        columns=columns,
        primary_key=(entity_key, right.key),
        description=bridge.description or f"Links each {unit} to {low}-{high} rows of {bridge.right}, {how}.",
        left_key=entity_key,
        right_key=right.key,
        right=bridge.right,
        right_rows=right.rows,
        low=low,
        high=high,
        driver=None if bridge.driver is None else ctx.metric(bridge.driver),
        uniform=bridge.links == "uniform",
    )


def resolve_tables(config: Config, metrics: tuple[MetricPlan, ...]) -> dict[str, TablePlan]:
    """Every table in build order: dim_date, dimensions, facts, events, bridges."""
    schema = config.schema
    dimensions = {
        d.name: DimensionInfo(
            d.name,
            d.grain,
            key_column(d),
            d.count,
            reference_rows(d) if d.grain == "reference" else config.window.periods if d.grain == "period" else None,
        )
        for d in schema.dimensions
    }
    ctx = ResolveContext(config, metrics, dimensions)
    entity = schema.entity_dimension
    scd_table = entity.name if entity.scd_column is not None or config.lifecycle is not None else None
    # The reference puts the stage on the first fact carrying the tracked metric.
    staged = (
        None
        if config.lifecycle is None
        else next((f.name for f in schema.facts if f.grain == "entity_period" and any(c.name == config.lifecycle.track for c in f.columns)), None)
    )
    from .grains import grain_fact  # variable and child facts build on these plans

    tables: list[TablePlan] = [date_table(config)]
    tables += [_dimension(ctx, d) for d in schema.dimensions]
    tables += [
        _fact(ctx, f, entity.name, scd_table, f.name == staged) if f.grain == "entity_period" else grain_fact(ctx, f, entity.name)
        for f in schema.facts
    ]
    tables += [_event(ctx, e, entity.name, scd_table) for e in schema.events]
    tables += [_bridge(ctx, b, key_column(entity)) for b in schema.bridges]
    from ..cdc.plan import change_tables  # the cdc package builds on these plans

    tables += change_tables(config, {t.name: t for t in tables})
    from ..sources.plan import source_tables  # the sources package builds on these plans

    tables += source_tables(config, {t.name: t for t in tables})
    for table in tables:
        _check_column_names(config, table)
    return {t.name: t for t in tables}


def _check_column_names(config: Config, table: TablePlan) -> None:
    """A table's final columns, declared and engine-added, are unique ignoring case (as SQL
    identifiers are): a column named like a key or like one the engine adds (dim_row_id,
    valid_from, status...) would otherwise be overwritten, or renamed by the database."""
    first: dict[str, ColumnPlan] = {}
    for column in table.columns:
        earlier = first.setdefault(column.name.lower(), column)
        if earlier is column:
            continue
        mine, other = column.name, earlier.name
        path = _declared_column(config, table.name, mine)
        theirs = _declared_column(config, table.name, other) if other != mine else None
        if path is None:  # the later column is plotsim's: the earlier one is the user's
            mine, other, path, theirs = other, mine, theirs, None
        what = f"declared at {theirs}" if theirs else "which plotsim makes (a key or a column it adds)"
        case = "" if mine == other else " (SQL names ignore case)"
        where = path or (table_path(config.schema, table.name) if config.declares_schema else "unit")
        raise ConfigError(where, f"column {mine!r} of {table.name} collides with {other!r}, {what}{case}; rename yours")


def _declared_column(config: Config, table: str, column: str) -> str | None:
    """Field path of the config entry that declares ``column`` of ``table``, None if plotsim makes it."""
    if config.declares_schema:
        path = table_path(config.schema, table)
        group, i = path.split(".")
        for c, spec in enumerate(getattr(getattr(config, group)[int(i)], "columns", ())):
            if spec.name == column:
                return f"{path}.columns.{c}.name"
        return None
    if table == f"fct_{config.unit}":
        return next((f"metrics.{i}.name" for i, m in enumerate(config.metrics) if m.name == column), None)
    return next((f"segments.{i}.attributes.{column}" for i, s in enumerate(config.segments) if column in s.attributes), None)
