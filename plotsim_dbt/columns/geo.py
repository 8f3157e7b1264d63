"""``geo.<field>``: country, country_code, region, city, postcode, latitude, longitude of one place
from the row's locale. Every geo column of a row reads the same place, so they agree with each
other and with the locale: an entity's place is picked once (the same in every table and SCD2
version), a sub-entity or reference row picks its own.

Places come from a small bundled gazetteer (data/gazetteer.csv: a few large cities per supported
locale, with a central postcode and coordinates), not from Faker: Faker's address data is not
consistent across fields (its cities are synthesised, its postcodes independent of the region).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pyarrow as pa

from ..engine.locales import by_locale, row_locales
from .base import ArgumentColumn, CheckContext, ColumnPlan, register

FIELDS = {
    "country": (pa.string(), "Country of the place"),
    "country_code": (pa.string(), "ISO 3166-1 alpha-2 code of the place's country"),
    "region": (pa.string(), "Region (state, province, county or prefecture) of the place"),
    "city": (pa.string(), "City of the place"),
    "postcode": (pa.string(), "Postcode of the place's centre"),
    "latitude": (pa.float64(), "Latitude of the place's centre (degrees)"),
    "longitude": (pa.float64(), "Longitude of the place's centre (degrees)"),
}


@cache
def gazetteer() -> pa.Table:
    """Every bundled place: locale plus the geo fields."""
    with resources.files(__package__).joinpath("data", "gazetteer.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = {"locale": pa.array([r["locale"] for r in rows], pa.string())}
    for name, (kind, _) in FIELDS.items():
        values = [r[name] for r in rows]
        columns[name] = pa.array([float(v) for v in values] if kind == pa.float64() else values, kind)
    return pa.table(columns)


def geo_locales() -> list[str]:
    return list(dict.fromkeys(gazetteer().column("locale").to_pylist()))


@cache
def places(locale: str) -> np.ndarray:
    """Row numbers of the gazetteer's places of ``locale``."""
    return np.flatnonzero(np.asarray(gazetteer().column("locale").to_pylist()) == locale)


@dataclass(frozen=True)
class GeoPlan(ColumnPlan):
    field: str = ""
    locales: tuple[str, ...] = ("en_US",)

    def values(self, block, rows) -> pa.Array:
        # Keyed by "geo" alone for entity-owned rows, so every geo column and table shows the entity's one place.
        if rows.role in ("reference", "sub_entity", "period"):
            u = block.uniforms(rows, ("geo", rows.table))[:, 0]
        else:
            u = block.uniforms(rows.one_per_entity(), ("geo",))[:, 0][rows.local]
        column = gazetteer().column(self.field)

        def pick(locale: str, at: np.ndarray) -> pa.Array:
            own = places(locale)
            return column.take(pa.array(own[np.minimum((u[at] * len(own)).astype(np.int64), len(own) - 1)])).combine_chunks()

        return by_locale(row_locales(block, rows), self.locales, pick)


@register
class GeoColumn(ArgumentColumn):
    field: str
    words = ("geo",)
    roles = frozenset({"entity", "reference", "sub_entity", "period"})
    argument_hint = "<field>"
    argument_field = "field"
    example = "city"

    @classmethod
    def parse_type(cls, word: str, argument: str) -> dict[str, Any]:
        fields = super().parse_type(word, argument)
        if argument not in FIELDS:
            raise ValueError(f"type: geo.{argument} is not a geo field; use geo.{', geo.'.join(FIELDS)}")
        return fields

    def check(self, ctx: CheckContext) -> None:
        missing = [locale for locale in ctx.locales if locale not in geo_locales()]
        if missing:
            raise ValueError(
                f"{ctx.path}.type: geo columns have places for the locales {', '.join(geo_locales())}, not {missing[0]!r}; "
                "change locale or remove the geo column"
            )

    def resolve(self, ctx: Any) -> GeoPlan:
        kind, text = FIELDS[self.field]
        # Names are listed for dbt's accepted_values; postcodes are left out (a CSV reader types numeric ones as numbers).
        named = kind == pa.string() and self.field != "postcode"
        values = sorted({v for locale in ctx.locales for v in gazetteer().column(self.field).take(pa.array(places(locale))).to_pylist()})
        return GeoPlan(
            self.name,
            kind,
            self.description or f"{text} (geo: consistent with the row's other geo columns and its locale).",
            not_null=True,
            accepted_values=tuple(values) if named else None,
            field=self.field,
            locales=ctx.locales,
        )
