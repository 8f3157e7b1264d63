"""The source systems that each keep their own copy of the entity dimension (multi-source
entities): one ``<entity dimension>_<source>`` table per source, for entity-resolution work."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from .base import Frozen, Identifier, check_unique

if TYPE_CHECKING:
    from .models import Config

MIN_SOURCES, MAX_SOURCES = 2, 5


class Source(Frozen):
    name: Identifier = Field(description="The source system, e.g. crm: names the table <entity dimension>_<name>.")
    key_scheme: Literal["prefix_padded", "numeric", "uuid_short"] = Field(
        "prefix_padded", description="How the source keys its rows: CRM-004217, 7301004217 or 8 hex characters."
    )
    name_drift_rate: float = Field(0.0, ge=0.0, le=1.0, description="Share of rows whose name is misspelt, abbreviated, re-cased or re-spaced.")
    attribute_drift_rate: float = Field(0.0, ge=0.0, le=1.0, description="Share of each other text attribute's values that differ likewise.")
    coverage: float = Field(1.0, gt=0.0, le=1.0, description="Share of the entities the source holds (the others are missing from it).")


def check_sources(config: Config) -> None:
    if len(config.sources) == 1:
        raise ValueError(f"sources: one source gives nothing to resolve; give {MIN_SOURCES} to {MAX_SOURCES}, or none")
    check_unique("sources", [s.name for s in config.sources])
