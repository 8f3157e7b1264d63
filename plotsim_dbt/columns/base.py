"""The column-kind seam: a kind is a config spec (how users write it and what it must satisfy)
plus a frozen plan (resolved once) whose ``values`` makes the column for a block's rows.

A kind module defines ``class XColumn(ColumnSpec)`` with the type words it reads, the table
roles that accept it, ``check`` (rules against the rest of the schema) and ``resolve`` (-> a
``ColumnPlan``), and registers it with ``@register``. Config parsing (the discriminated union),
schema checks, the engine and the dbt scaffold all go through these two classes.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import pyarrow as pa
from pydantic import model_serializer, model_validator

from ..config.base import Frozen, Identifier

if TYPE_CHECKING:
    from ..engine.context import Block, Rows

ROLES = ("entity", "reference", "sub_entity", "period", "fact", "event", "bridge")


@dataclass(frozen=True)
class CheckContext:
    """What a column's rules can see: its table and the rest of the declared schema."""

    path: str  # field path of the column, e.g. dimensions.2.columns.8
    table: str
    role: str
    dimensions: Mapping[str, Any]  # name -> declared Dimension
    facts: Mapping[str, Any]  # name -> declared Fact
    entity_table: str
    metrics: tuple[str, ...]
    periods: int
    attributes: frozenset[str]
    entities: int  # entities of the config
    event_rule: str | None = None  # events: "proportional" or "threshold"
    segments: tuple[str, ...] = ()  # segment names, in order
    locales: tuple[str, ...] = ()  # the config's locales


@dataclass(frozen=True)
class ColumnPlan:
    """A resolved column: name, Arrow type, what it means, and the constraints dbt and validation check."""

    name: str
    type: pa.DataType
    description: str
    foreign_key: tuple[str, str] | None = None  # (parent table, parent column)
    accepted_values: tuple[str, ...] | None = None
    not_null: bool = False
    metric: str | None = None  # the metric whose values the column carries

    def values(self, block: Block, rows: Rows) -> pa.Array:
        raise NotImplementedError(f"{type(self).__name__} values are made by their table")


class ColumnSpec(Frozen):
    """A declared column. Written ``{name: ..., type: word[.argument], options...}``."""

    name: Identifier
    description: str | None = None

    words: ClassVar[tuple[str, ...]] = ()  # type words this kind reads, e.g. ("ref",)
    roles: ClassVar[frozenset[str]] = frozenset()  # table roles that accept it
    argument_hint: ClassVar[str] = ""  # how the argument is written, e.g. "<table>" for ref.<table>
    encoded: ClassVar[tuple[str, ...]] = ()  # fields written inside the type string, not beside it
    # A kind whose plan needs nothing but its name resolves to plan_class(name, arrow_type, description).
    plan_class: ClassVar[builtins.type[ColumnPlan]] = ColumnPlan  # builtins: the class has a `type` property
    arrow_type: ClassVar[pa.DataType | None] = None
    default_description: ClassVar[str] = ""

    @classmethod
    def parse_type(cls, word: str, argument: str) -> dict[str, Any]:
        """Fields encoded in the type string (``ref.dim_plan`` -> {"target": "dim_plan"})."""
        if argument:
            raise ValueError(f"type: {word!r} takes no argument, got {word}.{argument}")
        return {}

    @property
    def type(self) -> str:
        """The type string as users write it."""
        return self.words[0]

    @property
    def kind(self) -> str:
        """The type word: ``ref`` for ``ref.dim_plan``."""
        return split_type(self.type)[0]

    def check(self, ctx: CheckContext) -> None:
        """Rules against the rest of the schema; raise ValueError('<field>: message')."""

    def resolve(self, ctx: Any) -> ColumnPlan:
        """The column's plan; kinds with options or references to other parts override this."""
        return self.plan_class(self.name, self.arrow_type, self.description or self.default_description)

    @model_validator(mode="before")
    @classmethod
    def _from_type(cls, data: Any) -> Any:
        if isinstance(data, dict) and "type" in data:
            data = dict(data)
            word, argument = split_type(str(data.pop("type")))
            data.update(cls.parse_type(word, argument))
        return data

    @model_serializer(mode="wrap")
    def _as_written(self, handler) -> dict[str, Any]:
        """Dump as ``{name, type, options}``, the form ``create_from_yaml`` reads back."""
        dumped = handler(self)
        return {"name": dumped["name"], "type": self.type, **{k: v for k, v in dumped.items() if k not in {"name", *self.encoded}}}


class ArgumentColumn(ColumnSpec):
    """A kind written ``word.<argument>``, the argument kept in the field ``argument_field``."""

    argument_field: ClassVar[str]
    example: ClassVar[str]  # an argument to show in errors

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls.encoded = (cls.argument_field,)

    @classmethod
    def parse_type(cls, word: str, argument: str) -> dict[str, Any]:
        if not argument:
            raise ValueError(f"type: {word!r} needs {cls.argument_hint}, e.g. {word}.{cls.example}")
        return {cls.argument_field: argument}

    @property
    def type(self) -> str:
        return f"{self.words[0]}.{getattr(self, self.argument_field)}"


KINDS: dict[str, type[ColumnSpec]] = {}  # type word -> kind


def register(kind: type[ColumnSpec]) -> type[ColumnSpec]:
    for word in kind.words:
        if word in KINDS:
            raise ValueError(f"column type word {word!r} is registered twice")
        KINDS[word] = kind
    return kind


def split_type(text: str) -> tuple[str, str]:
    """(word, argument): a registered word taken whole (``segment.count``), else split at the first dot."""
    if text in KINDS:
        return text, ""
    word, _, argument = text.partition(".")
    return word, argument


def kind_of(text: str) -> type[ColumnSpec]:
    word, _ = split_type(text)
    if word not in KINDS:
        raise ValueError(f"type: unknown column type {text!r}; use one of {', '.join(type_words())}")
    return KINDS[word]


def type_words() -> list[str]:
    """Every type word as users write it, e.g. ``ref.<table>``."""
    return [word + (f".{KINDS[word].argument_hint}" if KINDS[word].argument_hint else "") for word in KINDS]


def words_for(role: str) -> list[str]:
    return sorted(word for word, kind in KINDS.items() if role in kind.roles)
