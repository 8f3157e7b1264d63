"""Realistic strings from Faker's locale data: ``name``, ``first_name``, ``last_name``, ``email``,
``company``, ``city``, ``country`` (sampled vectorised by engine/fake.py from the block's uniforms)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from ..engine.fake import FAKE_KINDS, fake_column, uniforms_needed
from ..engine.locales import by_locale, row_locales
from .base import ColumnPlan, ColumnSpec, register

# Person columns of one row share their uniforms (first name, last name, then email extras), so a
# row's name and email describe the same person.
PERSON_KINDS = ("name", "first_name", "last_name", "email")
PERSON_WIDTH = 4

DESCRIPTIONS = {
    "name": "Person name",
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email address",
    "company": "Company name",
    "city": "City name",
    "country": "Country name",
}


@dataclass(frozen=True)
class RealisticPlan(ColumnPlan):
    word: str = ""
    locales: tuple[str, ...] = ("en_US",)

    def values(self, block, rows) -> pa.Array:
        if self.word in PERSON_KINDS:
            u = block.uniforms(rows, (rows.table, "person"), PERSON_WIDTH)[:, : uniforms_needed(self.word)]
        else:
            u = block.uniforms(rows, (rows.table, self.name), uniforms_needed(self.word))
        return by_locale(row_locales(block, rows), self.locales, lambda locale, at: fake_column(self.word, locale, u[at]))


@register
class RealisticColumn(ColumnSpec):
    word: str
    words = FAKE_KINDS
    roles = frozenset({"entity", "reference", "sub_entity", "period", "fact", "event", "bridge"})
    encoded = ("word",)

    @classmethod
    def parse_type(cls, word: str, argument: str) -> dict[str, Any]:
        super().parse_type(word, argument)
        return {"word": word}

    @property
    def type(self) -> str:
        return self.word

    def resolve(self, ctx: Any) -> RealisticPlan:
        text = self.description or f"{DESCRIPTIONS[self.word]} (Faker locale data)."
        return RealisticPlan(self.name, pa.string(), text, word=self.word, locales=ctx.locales)
