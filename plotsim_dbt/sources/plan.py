"""The source table plans: ``<entity dimension>_<source>`` for each configured source."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..columns import ColumnPlan
from ..columns.realistic import RealisticPlan
from ..config.base import MAX_IDENTIFIER
from ..config.errors import ConfigError
from ..engine.streams import Purpose, name_key
from ..plan.tables import EntityTable, TablePlan

KEY = "source_key"
NAME_WORDS = ("name", "company")  # the realistic kinds a source's name drift applies to (as in the reference)
HEX_BITS = 32  # uuid_short keys: a bijection on 32-bit numbers, so no two entities share a key
NUMERIC_START = (1000, 10000)  # numeric keys: these 4 leading digits (drawn per source), then the permuted index


@dataclass(frozen=True, kw_only=True)
class SourceTable(TablePlan):
    source: str
    entity_table: str
    entity_key: str
    scheme: str
    name_column: str | None  # the column name drift applies to; None: the entity dimension has no name or company column
    text_columns: tuple[str, ...]  # the other text attributes attribute drift applies to
    name_rate: float
    attribute_rate: float
    coverage: float
    width: int  # key digits (prefix_padded, numeric); the permutation runs over 10**width (2**32 for uuid_short)
    multiplier: int  # the key permutation: (multiplier * index + offset) mod modulus, multiplier coprime to it
    offset: int
    start: int  # numeric keys: their leading digits

    @property
    def modulus(self) -> int:
        return 2**HEX_BITS if self.scheme == "uuid_short" else 10**self.width


def _key_parameters(seed: int, source: str, scheme: str, entities: int) -> dict:
    """The source's key permutation, drawn from the seed and the source's name alone."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(int(Purpose.SOURCES), *name_key(source)))))
    width = max(6, len(str(entities)))
    modulus = 2**HEX_BITS if scheme == "uuid_short" else 10**width
    multiplier = int(rng.integers(1, modulus // 10)) * 10 + int(rng.choice([1, 3, 7, 9]))  # odd, not a multiple of 5
    return dict(width=width, multiplier=multiplier, offset=int(rng.integers(0, modulus)), start=int(rng.integers(*NUMERIC_START)))


def source_tables(config, tables: dict[str, TablePlan]) -> list[SourceTable]:
    """One table per configured source, copying the entity dimension's declared columns."""
    if not config.sources:
        return []
    entity = next(t for t in tables.values() if isinstance(t, EntityTable))
    declared = {c.name for c in config.schema.entity_dimension.columns} - {entity.key}
    copied = tuple(c for c in entity.columns if c.name in declared)
    name_column = next((c.name for c in copied if isinstance(c, RealisticPlan) and c.word in NAME_WORDS), None)
    text = tuple(c.name for c in copied if pa.types.is_string(c.type) and c.name != name_column)
    unit, out = config.unit, []
    for i, source in enumerate(config.sources):
        name = f"{entity.name}_{source.name}"
        if name.lower() in {t.lower() for t in tables} or len(name) > MAX_IDENTIFIER:
            why = "is taken by another table" if len(name) <= MAX_IDENTIFIER else f"is longer than {MAX_IDENTIFIER} characters"
            raise ConfigError(f"sources.{i}.name", f"the source's table {name!r} {why}; rename the source")
        drifts = {name_column: source.name_drift_rate} | dict.fromkeys(text, source.attribute_drift_rate)
        columns = (ColumnPlan(KEY, pa.string(), f"Primary key: {source.name}'s own key for the {unit} ({source.key_scheme}).", not_null=True),)
        columns += tuple(_copy(c, source.name, drifts.get(c.name, 0.0)) for c in copied)
        out.append(
            SourceTable(
                name=name,
                role="source",
                primary_key=(KEY,),
                source=source.name,
                entity_table=entity.name,
                entity_key=entity.key,
                scheme=source.key_scheme,
                name_column=name_column,
                text_columns=text,
                name_rate=source.name_drift_rate,
                attribute_rate=source.attribute_drift_rate,
                coverage=source.coverage,
                description=f"The {unit}s as source system {source.name} holds them: its own keys, "
                f"{source.coverage:.0%} of the {unit}s, names and text attributes drifted "
                f"(truth_entity_resolution maps each {KEY} to its {unit}).",
                columns=columns,
                **_key_parameters(config.seed, source.name, source.key_scheme, config.entity_count),
            )
        )
    return out


def _copy(column: ColumnPlan, source: str, rate: float) -> ColumnPlan:
    drift = f" In {rate:.0%} of rows it is misspelt, abbreviated, re-cased or re-spaced." if rate else ""
    # A source's copy is not the warehouse's: drifted text leaves the accepted values, and it references nothing.
    return ColumnPlan(
        column.name,
        column.type,
        f"As {source} holds it: {column.description}{drift}",
        accepted_values=None if rate else column.accepted_values,
        not_null=column.not_null,
    )
