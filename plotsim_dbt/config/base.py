"""Shared pieces of the config models: the frozen base, identifiers, decimal limits, unique names."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

MAX_DECIMALS = 9  # decimal places a metric may declare
DECIMAL_PRECISION = 18  # digits of the decimal128(18, d) columns rounded metrics are stored in

MAX_IDENTIFIER = 63  # characters in a DuckDB or Postgres identifier (Postgres cuts longer ones silently)
IDENTIFIER_PATTERN = rf"^[A-Za-z_][A-Za-z0-9_]{{0,{MAX_IDENTIFIER - 1}}}$"
Identifier = Annotated[str, Field(pattern=IDENTIFIER_PATTERN)]


class Frozen(BaseModel):
    # allow_inf_nan: a NaN or infinite number in any numeric field (ranges, rates, distribution
    # parameters) would silently become all-NaN metrics or overflowing counts downstream.
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, allow_inf_nan=False)


def check_unique(field: str, names: list[str]) -> None:
    """Names unique ignoring case: they become SQL identifiers (or parts of them), which ignore case."""
    first: dict[str, str] = {}
    for i, name in enumerate(names):
        seen = first.setdefault(name.lower(), name)
        if seen != name or names.index(name) != i:
            also = "" if seen == name else f" (as {seen!r}: SQL names ignore case)"
            raise ValueError(f"{field}.{i}.name: {name!r} is declared twice{also}; names must be unique")
