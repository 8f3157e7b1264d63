"""Declared star schemas: dimensions, facts, events and bridges, and their column types.

A column's ``type`` is one word (``id``, ``email``) or a word with an argument (``ref.dim_plan``,
``metric.mrr``, ``lag.mrr:periods:1``, ``static.pro``, ``pool.region``); a few words take options
(``scd``: tracks/tiers/at, ``range``: min/max, ``bucket``: labels). When a config declares no
tables, ``automatic_schema`` builds the classic dim_<unit> + fct_<unit> pair from the same parts.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import Field, model_validator

from ..calendar.slots import box_mask
from .base import Frozen, Identifier

# Realistic values sampled from the locale data of the Faker library (see engine/fake.py).
FAKE_WORDS = ("name", "first_name", "last_name", "email", "company", "city", "country")
PLAIN_WORDS = ("id", "timestamp", "segment", "segment.count", "entity_name", "range", "bucket", "scd", *FAKE_WORDS)
ARGUMENT_WORDS = ("ref", "metric", "lag", "static", "pool")
_LAG = re.compile(r"^lag\.([A-Za-z_]\w*):periods:(\d+)$")

OPEN_END_DATE = dt.date(9999, 12, 31)


class Column(Frozen):
    name: Identifier
    type: str = Field(description="Column type word, e.g. id, ref.dim_plan, metric.mrr, lag.mrr:periods:1, static.pro, email.")
    description: str | None = None
    tracks: str | None = Field(None, description="scd: the metric whose realised value moves the entity between tiers.")
    tiers: list[str] | None = Field(None, description="scd: tier labels, lowest first.")
    at: list[float] | None = Field(None, description="scd: cut points in (0, 1) on the tracked metric's range, one fewer than tiers.")
    monotonic: bool = Field(True, description="scd: tiers only go up (upgrades), as in a plan ladder; false lets them fall back.")
    hold: int = Field(1, ge=1, description="scd: periods a new tier must last before a new version starts (damps noise).")
    labels: list[str] | None = Field(None, description="bucket: labels from low to high trajectory position.")
    min: float | None = Field(None, description="range: lower bound (integers give an integer column).")
    max: float | None = Field(None, description="range: upper bound, inclusive for integers.")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        # `{company_id: id}` is short for `{name: company_id, type: id}`; options may follow,
        # as in `{employees: range, min: 5, max: 500}`.
        if isinstance(data, dict) and "name" not in data and "type" not in data:
            unknown = [k for k in data if k not in cls.model_fields]
            if len(unknown) == 1:
                rest = {k: v for k, v in data.items() if k != unknown[0]}
                return {"name": unknown[0], "type": data[unknown[0]], **rest}
            raise ValueError(
                f"write a column as {{column_name: type}} or {{name: ..., type: ...}}, got {data}; a column named like an "
                f"option ({', '.join(k for k in data if k in cls.model_fields)}) needs the long form"
            )
        return data

    @model_validator(mode="after")
    def _well_formed(self) -> Column:
        kind = self.kind
        if kind not in PLAIN_WORDS and kind not in ARGUMENT_WORDS:
            words = ", ".join([*PLAIN_WORDS, "ref.<table>", "metric.<name>", "lag.<metric>:periods:<n>", "static.<value>", "pool.<attribute>"])
            raise ValueError(f"type: unknown column type {self.type!r} for {self.name!r}; use one of {words}")
        if kind == "lag" and _LAG.match(self.type) is None:
            raise ValueError(f"type: write a lag as lag.<metric>:periods:<n>, got {self.type!r}")
        if kind in ARGUMENT_WORDS and not self.argument:
            raise ValueError(f"type: {self.type!r} needs an argument, e.g. {kind}.something")
        if kind == "scd":
            if self.tracks is None or not self.tiers or self.at is None:
                raise ValueError(f"tiers: scd column {self.name!r} needs tracks, tiers and at (cut points)")
            if len(self.tiers) < 2 or len(set(self.tiers)) != len(self.tiers):
                raise ValueError(f"tiers: {self.name!r} needs at least two distinct tier labels")
            if len(self.at) != len(self.tiers) - 1:
                raise ValueError(f"at: {self.name!r} has {len(self.tiers)} tiers, so it needs {len(self.tiers) - 1} cut points")
            if any(not 0 < a < 1 for a in self.at) or any(b <= a for a, b in zip(self.at, self.at[1:])):
                raise ValueError(f"at: cut points of {self.name!r} must rise strictly inside (0, 1), got {self.at}")
        if kind == "bucket" and (not self.labels or len(self.labels) < 2 or len(set(self.labels)) != len(self.labels)):
            raise ValueError(f"labels: bucket column {self.name!r} needs at least two distinct labels")
        if kind == "range":
            if self.min is None or self.max is None or not self.min < self.max:
                raise ValueError(f"min: range column {self.name!r} needs min < max, e.g. {{type: range, min: 1, max: 50}}")
        return self

    @property
    def kind(self) -> str:
        if self.type in PLAIN_WORDS:
            return self.type
        return self.type.split(".", 1)[0]

    @property
    def argument(self) -> str:
        """The part after the first dot: a table, metric, attribute or static value."""
        if self.kind == "lag":
            match = _LAG.match(self.type)
            return match.group(1) if match else ""
        return self.type.split(".", 1)[1] if "." in self.type and self.type not in PLAIN_WORDS else ""

    @property
    def lag_periods(self) -> int:
        match = _LAG.match(self.type)
        return int(match.group(2)) if match else 0

    @property
    def integer_range(self) -> bool:
        return float(self.min).is_integer() and float(self.max).is_integer()


class Dimension(Frozen):
    name: Identifier
    grain: Literal["entity", "reference", "sub_entity"] = Field(
        "entity", description="entity: one row per entity (or per SCD2 version); reference: a lookup of `count` rows; sub_entity: `count` rows per entity."
    )
    count: int | None = Field(None, ge=1, description="Rows of a reference dimension, or rows per entity of a sub_entity one.")
    open_end: Literal["null", "9999-12-31"] = Field(
        "null", description="SCD2: valid_to of current rows, NULL or 9999-12-31 (the two dbt snapshot conventions)."
    )
    description: str | None = None
    columns: list[Column] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _open_end(cls, data: Any) -> Any:
        if isinstance(data, dict) and "open_end" in data:
            value = data["open_end"]
            data = {**data, "open_end": "null" if value is None else str(value)}
        return data

    @property
    def scd_column(self) -> Column | None:
        return next((c for c in self.columns if c.kind == "scd"), None)


class Fact(Frozen):
    name: Identifier
    description: str | None = None
    columns: list[Column] = Field(min_length=1)


class Proportional(Frozen):
    driver: str = Field(description="Metric whose realised value sets the rows per entity and period.")
    scale: float = Field(gt=0, le=10_000, description="Rows = round(value x scale).")


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


class Event(Frozen):
    name: Identifier
    description: str | None = None
    proportional: Proportional | None = None
    threshold: Threshold | None = None
    columns: list[Column] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_mechanism(self) -> Event:
        if (self.proportional is None) == (self.threshold is None):
            raise ValueError("proportional: an event needs exactly one of proportional {driver, scale} or threshold {metric, above|below, for}")
        return self


class Bridge(Frozen):
    name: Identifier
    left: str = Field(description="The entity dimension.")
    right: str = Field(description="A reference dimension.")
    cardinality: tuple[int, int] = Field(description="[min, max] links per entity.")
    driver: str | None = Field(None, description="Metric whose level sets how many links an entity holds; default the trajectory.")
    description: str | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Bridge:
        low, high = self.cardinality
        if low < 0 or high < 1 or low > high:
            raise ValueError(f"cardinality: need 0 <= min <= max and max >= 1, got {list(self.cardinality)}")
        return self


class Schema(Frozen):
    """The resolved schema: what the engine builds, in this order."""

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

    def fact_keys(self, fact: str) -> tuple[str, str]:
        """(date key column, entity key column) of a fact table."""
        table = next(f for f in self.facts if f.name == fact)
        return ref_column(table, "dim_date"), ref_column(table, self.entity_dimension.name)

    @property
    def versioned_tables(self) -> list[Fact | Event]:
        """Facts and events that reference the SCD2 dimension: they carry its dim_row_id."""
        scd = self.scd_dimension
        return [] if scd is None else [t for t in [*self.facts, *self.events] if ref_column(t, scd.name) is not None]

    @property
    def scd_dimension(self) -> Dimension | None:
        dim = self.entity_dimension
        return dim if dim.scd_column is not None else None

    def dimension(self, name: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.name == name), None)

    @property
    def table_names(self) -> list[str]:
        return [t.name for group in (self.dimensions, self.facts, self.events, self.bridges) for t in group]


def key_column(table: Dimension | Event) -> str | None:
    """Name of the table's id column."""
    return next((c.name for c in table.columns if c.kind == "id"), None)


def ref_column(table: Dimension | Fact | Event, target: str) -> str | None:
    """Name of the table's column that references ``target``."""
    return next((c.name for c in table.columns if c.kind == "ref" and c.argument == target), None)


def automatic_schema(unit: str, metrics: list[str], attributes: list[str]) -> Schema:
    """dim_<unit> (key, name, segment attributes) and fct_<unit> (date, key, every metric)."""
    key = f"{unit}_id"
    dim = Dimension(
        name=f"dim_{unit}",
        columns=[Column(name=key, type="id"), Column(name=f"{unit}_name", type="entity_name")]
        + [Column(name=a, type=f"pool.{a}") for a in attributes],
    )
    fact = Fact(
        name=f"fct_{unit}",
        columns=[Column(name="date_key", type="ref.dim_date"), Column(name=key, type=f"ref.dim_{unit}")]
        + [Column(name=m, type=f"metric.{m}") for m in metrics],
    )
    return Schema(dimensions=[dim], facts=[fact], events=[], bridges=[])


# Which column kinds each kind of table accepts.
ALLOWED = {
    "entity": {"id", "entity_name", "segment", "segment.count", "pool", "static", "range", "bucket", "timestamp", "scd", "ref", *FAKE_WORDS},
    "reference": {"id", "static", "range", *FAKE_WORDS},
    "sub_entity": {"id", "ref", "segment", "pool", "static", "range", "timestamp", *FAKE_WORDS},
    "fact": {"ref", "metric", "lag", "segment", "pool", "static", "range", "bucket", "timestamp"},
    "event": {"id", "ref", "metric", "segment", "pool", "static", "range", "timestamp", *FAKE_WORDS},
}


def check_schema(schema: Schema, metrics: list[str], periods: int, attributes: set[str]) -> None:
    """Cross-table rules; raises ValueError('<field path>: message')."""
    names = schema.table_names
    for name in names:
        generated = name in ("dim_date", "entity_features")
        if names.count(name) > 1 or generated or name.startswith("truth_"):
            why = "is generated automatically" if generated else "is reserved" if name.startswith("truth_") else "is declared twice"
            raise ValueError(f"{_path(schema, name)}.name: table name {name!r} {why}")
    entity_dims = [d for d in schema.dimensions if d.grain == "entity"]
    if len(entity_dims) != 1:
        raise ValueError(
            f"dimensions: declare exactly one dimension with grain: entity (one row per entity), found {len(entity_dims)}"
        )
    entity = entity_dims[0]
    dims = {d.name: d for d in schema.dimensions}
    for group, tables in (("dimensions", schema.dimensions), ("facts", schema.facts), ("events", schema.events)):
        for t, table in enumerate(tables):
            role = table.grain if group == "dimensions" else group[:-1]
            _check_columns(f"{group}.{t}", role, table, dims, entity.name, metrics, periods, attributes)
    for d, dim in enumerate(schema.dimensions):
        if dim.grain in ("reference", "sub_entity") and dim.count is None and not (
            dim.grain == "reference" and any(c.kind == "static" for c in dim.columns)
        ):
            raise ValueError(f"dimensions.{d}.count: a {dim.grain} dimension needs count (rows{' per entity' if dim.grain == 'sub_entity' else ''})")
        if dim.grain == "entity" and dim.count is not None:
            raise ValueError(f"dimensions.{d}.count: an entity dimension has one row per entity; remove count")
        if dim.grain == "sub_entity" and ref_column(dim, entity.name) is None:
            raise ValueError(f"dimensions.{d}.columns: a sub_entity dimension needs a column of type ref.{entity.name}")
    for f, fact in enumerate(schema.facts):
        refs = {c.argument for c in fact.columns if c.kind == "ref"}
        if not {"dim_date", entity.name} <= refs:
            raise ValueError(f"facts.{f}.columns: a fact needs ref.dim_date and ref.{entity.name} columns (its key)")
    for e, event in enumerate(schema.events):
        if key_column(event) is None:
            raise ValueError(f"events.{e}.columns: an event needs an id column (its primary key)")
        if ref_column(event, entity.name) is None:
            raise ValueError(f"events.{e}.columns: an event needs a ref.{entity.name} column")
        source = event.proportional.driver if event.proportional else event.threshold.metric
        if source not in metrics:
            field = "proportional.driver" if event.proportional else "threshold.metric"
            raise ValueError(f"events.{e}.{field}: {source!r} is not a declared metric")
    for b, bridge in enumerate(schema.bridges):
        if bridge.left != entity.name:
            raise ValueError(f"bridges.{b}.left: a bridge starts at the entity dimension {entity.name!r}, not {bridge.left!r}")
        right = dims.get(bridge.right)
        if right is None or right.grain != "reference":
            raise ValueError(f"bridges.{b}.right: {bridge.right!r} is not a declared reference dimension")
        if bridge.cardinality[1] > reference_rows(right):
            raise ValueError(
                f"bridges.{b}.cardinality: max {bridge.cardinality[1]} exceeds the {reference_rows(right)} rows of {right.name}"
            )
        if bridge.driver is not None and bridge.driver not in metrics:
            raise ValueError(f"bridges.{b}.driver: {bridge.driver!r} is not a declared metric")


def reference_rows(dim: Dimension) -> int:
    """Rows of a reference dimension: count, or the longest static list (shorter lists cycle)."""
    lists = [len(c.argument.split(",")) for c in dim.columns if c.kind == "static"]
    return dim.count or max(lists, default=1)


def _path(schema: Schema, name: str) -> str:
    for group in ("dimensions", "facts", "events", "bridges"):
        for i, table in enumerate(getattr(schema, group)):
            if table.name == name:
                return f"{group}.{i}"
    return name


def _check_columns(
    path: str, role: str, table, dims: dict[str, Dimension], entity: str, metrics: list[str], periods: int, attributes: set[str]
) -> None:
    names = [c.name for c in table.columns]
    for c, column in enumerate(table.columns):
        where = f"{path}.columns.{c}"
        kind = column.kind
        if names.count(column.name) > 1:
            raise ValueError(f"{where}.name: column {column.name!r} appears twice in {table.name}")
        if kind not in ALLOWED[role]:
            kinds = ", ".join(sorted(ALLOWED[role]))
            raise ValueError(f"{where}.type: a {role.replace('_', '-')} table cannot hold {column.type!r}; it accepts {kinds}")
        if kind in ("metric", "lag") and column.argument not in metrics:
            raise ValueError(f"{where}.type: {column.argument!r} is not a declared metric")
        if kind == "metric" and column.name != column.argument:
            # One name per metric everywhere: features, truth tables and dbt tests find it by name.
            raise ValueError(f"{where}.name: name the column after its metric ({column.argument}), not {column.name!r}")
        if kind == "pool" and column.argument not in attributes:
            known = ", ".join(sorted(attributes)) or "none declared"
            raise ValueError(f"{where}.type: no segment has the attribute {column.argument!r} (attributes: {known})")
        if kind == "lag" and not 1 <= column.lag_periods < periods:
            raise ValueError(f"{where}.type: a lag needs 1 to {periods - 1} periods, got {column.lag_periods}")
        if kind == "scd" and column.tracks not in metrics:
            raise ValueError(f"{where}.tracks: {column.tracks!r} is not a declared metric")
        if kind == "ref":
            target = column.argument
            if target != "dim_date" and target not in dims:
                raise ValueError(f"{where}.type: {target!r} is not a declared dimension (or dim_date)")
            if target == table.name:
                raise ValueError(f"{where}.type: {table.name} cannot reference itself")
            if role in ("entity", "sub_entity") and target in dims and dims[target].grain != "reference" and not (
                role == "sub_entity" and target == entity
            ):
                raise ValueError(f"{where}.type: a dimension may reference only reference dimensions (and a sub_entity its entity)")
            if role in ("entity", "sub_entity") and target == "dim_date":
                raise ValueError(f"{where}.type: dimensions do not reference dim_date; use a timestamp column")
    ids = [c for c in table.columns if c.kind == "id"]
    if role in ("entity", "reference", "sub_entity") and len(ids) != 1:
        raise ValueError(f"{path}.columns: {table.name} needs exactly one id column (its key), found {len(ids)}")
    if role == "event" and len(ids) > 1:
        raise ValueError(f"{path}.columns: {table.name} has {len(ids)} id columns; keep one")
    if sum(c.kind == "scd" for c in table.columns) > 1:
        raise ValueError(f"{path}.columns: a dimension tracks at most one scd column")


class CalendarComponent(Frozen):
    """One weekly pattern: a box of days and hours (hours may run overnight, e.g. [22, 2])."""

    name: Identifier
    days: tuple[int, int] = Field((0, 7), description="[first, last) day of week, 0 = Monday: [0, 5] is Monday-Friday.")
    hours: tuple[int, int] = Field((0, 24), description="[first, last) hour on each of those days; [22, 2] runs overnight.")


class Calendar(Frozen):
    """Hour-of-week placement of event timestamps: each entity mixes the components with its own
    weights, drawn from Dirichlet(concentration x weights)."""

    components: list[CalendarComponent] = Field(min_length=1)
    weights: list[float] | None = Field(None, description="Population mixture over the components (normalised); default equal.")
    concentration: float = Field(
        5.0, gt=0, description="Total Dirichlet concentration: large -> every entity near the population mix, small -> near one component."
    )
    segments: dict[str, list[float]] = Field(default_factory=dict, description="Per-segment mixture weights that replace `weights`.")
    events: list[str] | None = Field(None, description="Event tables placed by the calendar; default all.")

    @model_validator(mode="after")
    def _weights(self) -> Calendar:
        k = len(self.components)
        names = [c.name for c in self.components]
        if len(set(names)) != k:
            raise ValueError("components: component names must be unique")
        for i, component in enumerate(self.components):
            try:
                mask = box_mask(*component.days, *component.hours)
            except ValueError as err:
                raise ValueError(f"components.{i}.{err}") from None
            if not mask.any():
                raise ValueError(f"components.{i}: {component.name!r} covers no hour of the week")
        for field, weights in [("weights", self.weights), *((f"segments.{s}", w) for s, w in self.segments.items())]:
            if weights is not None and (len(weights) != k or any(w < 0 for w in weights) or sum(weights) <= 0):
                raise ValueError(f"{field}: give {k} non-negative weights (one per component) with a positive sum")
        return self

    def places(self, event: str) -> bool:
        """Whether the calendar places this event table's timestamps."""
        return self.events is None or event in self.events

    def mixture_prior(self, segment: str) -> list[float]:
        """The Dirichlet parameters of a segment's entities."""
        weights = self.segments.get(segment) or self.weights or [1.0] * len(self.components)
        total = sum(weights)
        return [self.concentration * w / total for w in weights]
