"""Typed, immutable configuration. One model serves ``create(**kw)``, builder YAML and the
engine-direct spellings (``params``, ``value_range: {min, max}``) the requirement documents use.

Each feature's models and its checks across the config live in the feature's module
(``metrics.py``, ``segments.py``, ``connections.py``, ``quality.py``, ...); ``Config`` gathers
their fields and runs the checks listed in ``CROSS_CHECKS``."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from pydantic import Field, field_validator, model_validator

from ..columns import Column
from .base import MAX_IDENTIFIER, Frozen, Identifier
from .calendar import Calendar, check_calendar
from .connections import Connection, ConnectionPhase, check_connections
from .entities import DEFAULT_VARIATION
from .grains import check_shares
from .lifecycle import Lifecycle, check_lifecycle
from .locales import check_locales
from .metrics import Metric, check_follows, check_metric_names
from .ml_views import EntityFeatures, Holdout, check_entity_features, check_holdout
from .noise import Noise
from .outputs import Output
from .quality import QualityIssue, check_quality
from .scaling import check_scaling
from .schema import Bridge, Dimension, Event, Fact, Schema, automatic_schema, check_date_columns, check_schema, check_table_names, table_path
from .seasonality import SeasonalEffect
from .segments import Segment, check_entity_count, check_segment_names, check_segments
from .sources import MAX_SOURCES, Source, check_sources
from .window import Window

MAX_UNIT = MAX_IDENTIFIER - len("fct_") - len("_holdout")  # the longest name made from the unit fits an identifier


class Config(Frozen):
    about: str = Field(description="What the dataset is about; free text.")
    unit: Identifier = Field(description="The entity, e.g. account: names dim_account, fct_account, account_id.")
    window: Window
    metrics: list[Metric] = Field(min_length=1, max_length=200)
    segments: list[Segment] = Field(min_length=1)
    connections: list[Connection] = Field(default_factory=list)
    connection_phases: list[ConnectionPhase] = Field(
        default_factory=list,
        max_length=64,
        description="Time-varying connections: each phase's connections replace `connections` over its periods.",
    )
    seasonality: list[SeasonalEffect] = Field(default_factory=list)
    noise: Noise = Field(default_factory=Noise)
    seed: int = Field(0, ge=0, lt=2**63, description="Same config and seed give byte-identical output.")
    output: Output = Field(default_factory=Output)
    holdout: Holdout | None = None
    entity_features: EntityFeatures | None = None
    quality: list[QualityIssue] = Field(default_factory=list)
    dimensions: list[Dimension] = Field(
        default_factory=list, description="Declared dimensions; with no tables declared the schema is dim_<unit> + fct_<unit>."
    )
    facts: list[Fact] = Field(default_factory=list, description="Per-entity-per-period fact tables.")
    events: list[Event] = Field(default_factory=list, description="Event tables (proportional or threshold).")
    bridges: list[Bridge] = Field(default_factory=list, description="Many-to-many links from the entity dimension to a reference dimension.")
    date_columns: list[Column] = Field(
        default_factory=list,
        description="Typed columns added to dim_date: {name, type: date|int|string|float, sql: a DuckDB expression over dim_date's columns}.",
    )
    locale: str | list[str] = Field(
        "en_US",
        description="Faker locale whose names, companies and cities realistic columns draw from; a list gives each entity one of "
        "them (picked per entity, the same in every table), with geo columns from that locale's places.",
    )
    calendar: Calendar | None = Field(None, description="Hour-of-week placement of event timestamps (weekly patterns per entity).")
    lifecycle: Lifecycle | None = Field(
        None, description="Stages entities pass through as a tracked metric crosses thresholds (an SCD2 attribute of the entity dimension)."
    )
    sources: list[Source] = Field(
        default_factory=list,
        max_length=MAX_SOURCES,
        description="Source systems (2-5) that each keep their own copy of the entity dimension, keyed and drifted their own way.",
    )
    variation: float = Field(
        DEFAULT_VARIATION,
        ge=0.0,
        le=1.0,
        description="How far each entity's trajectory strays from its archetype (timing, amplitude, level, wiggle): 0 = every entity "
        "of a segment follows it exactly; higher makes segments overlap and ML fixtures harder.",
    )

    @field_validator("entity_features", mode="before")
    @classmethod
    def _features_off(cls, value: Any) -> Any:
        return None if value is False else value

    @field_validator("seasonality", "sources", mode="before")
    @classmethod
    def _list_none(cls, value: Any) -> Any:
        return [] if value is None else value

    @property
    def locales(self) -> tuple[str, ...]:
        """The config's locales, in order."""
        return (self.locale,) if isinstance(self.locale, str) else tuple(self.locale)

    @model_validator(mode="after")
    def _cross_checks(self) -> Config:
        for check in CROSS_CHECKS:
            check(self)
        return self

    @property
    def declares_schema(self) -> bool:
        return bool(self.dimensions or self.facts or self.events or self.bridges)

    @cached_property
    def schema(self) -> Schema:
        """The tables to build: as declared, or the automatic dim_<unit> + fct_<unit>."""
        if self.declares_schema:
            return Schema(dimensions=self.dimensions, facts=self.facts, events=self.events, bridges=self.bridges)
        attributes = list(dict.fromkeys(a for s in self.segments for a in s.attributes))
        return automatic_schema(self.unit, [m.name for m in self.metrics], attributes)

    @property
    def entity_count(self) -> int:
        return sum(s.count for s in self.segments)

    @property
    def entity_table(self) -> str:
        return self.schema.entity_dimension.name

    @property
    def entity_key(self) -> str:
        return self.schema.entity_key

    @property
    def fact_tables(self) -> list[str]:
        return [f.name for f in self.schema.facts]


def check_unit(config: Config) -> None:
    if not config.declares_schema and len(config.unit) > MAX_UNIT:
        raise ValueError(
            f"unit: {config.unit!r} is {len(config.unit)} characters; give at most {MAX_UNIT}, so the names made "
            f"from it (dim_{{unit}}, fct_{{unit}}_holdout) fit the {MAX_IDENTIFIER}-character identifiers of DuckDB and Postgres"
        )


def check_tables(config: Config) -> None:
    """The tables, declared or automatic, and the columns added to dim_date."""
    schema = config.schema
    where = (lambda name: f"{table_path(schema, name)}.name") if config.declares_schema else (lambda name: "unit")
    check_table_names(schema, where, config.holdout is not None, "rename your table" if config.declares_schema else "choose another unit")
    check_date_columns(config.date_columns)
    if config.declares_schema:
        names = [m.name for m in config.metrics]
        attributes = {a for s in config.segments for a in s.attributes}
        segments = tuple(s.name for s in config.segments)
        check_schema(schema, names, config.window.periods, attributes, config.entity_count, segments, config.locales)
        check_shares(config.facts, {m.name: m.places for m in config.metrics})


# The checks across a config's fields, each owned by its feature's module, run in this order: a
# check may rely on an earlier one (follows cycles on declared names, lifecycle and scaling on a
# valid schema), and the first failure is the one error reported. A new feature adds its check here.
CROSS_CHECKS: tuple[Callable[[Config], None], ...] = (
    check_metric_names,
    check_segment_names,
    check_sources,
    check_entity_count,
    check_unit,
    check_locales,
    check_segments,
    check_quality,
    check_follows,
    check_connections,
    check_holdout,
    check_entity_features,
    check_calendar,
    check_tables,
    check_lifecycle,
    check_scaling,
)
