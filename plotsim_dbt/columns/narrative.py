"""``narrative``: text filled from a template whose ``{slot}`` phrases come from the segment's
lexicon, in the band of the row's trajectory position (``bands`` run from low to high, the band
index ``min(floor(p * N), N - 1)`` as for a bucket), so review text or ticket subjects read
happier when the entity is doing well. Each slot's phrase is one keyed uniform draw per row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field, model_validator

from .base import CheckContext, ColumnPlan, ColumnSpec, register

SLOT = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
DEFAULT_LEXICON = "default"  # the lexicon of segments without their own


def _escape(text: str) -> str:
    """``text`` as a regular expression matching itself (in DuckDB's RE2 and PostgreSQL)."""
    return re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", text)


def slots(template: str) -> list[str]:
    return SLOT.findall(template)


@dataclass(frozen=True)
class NarrativePlan(ColumnPlan):
    """Per slot, every phrase in one flat list; ``offsets``/``sizes`` [segment, band] locate a lexicon's list."""

    literals: tuple[str, ...] = ()  # the template's text around the slots (one more than the slots)
    slot_names: tuple[str, ...] = ()
    phrases: tuple[pa.Array, ...] = ()
    offsets: tuple[np.ndarray, ...] = ()
    sizes: tuple[np.ndarray, ...] = ()
    bands: int = 3
    segments: tuple[str, ...] = ()

    def patterns(self) -> list[list]:
        """[segment, band, regular expression of the texts it can read] for each segment and band (dbt's truth test)."""
        out = []
        for s, segment in enumerate(self.segments):
            for b in range(self.bands):
                parts = [_escape(self.literals[0])]
                for k in range(len(self.slot_names)):
                    start, size = self.offsets[k][s, b], self.sizes[k][s, b]
                    phrases = sorted(set(self.phrases[k][start : start + size].to_pylist()))
                    parts += ["(" + "|".join(_escape(p) for p in phrases) + ")", _escape(self.literals[k + 1])]
                out.append([segment, b, "".join(parts)])
        return out

    def values(self, block, rows) -> pa.Array:
        position = np.nan_to_num(np.clip(block.position(rows), 0.0, 1.0))
        band = np.minimum((position * self.bands).astype(np.int64), self.bands - 1)
        segment = block.plan.entity_segment[rows.entity]
        u = block.uniforms(rows, (rows.table, self.name), len(self.slot_names))
        parts: list[pa.Array | str] = [self.literals[0]]
        for s in range(len(self.slot_names)):
            size = self.sizes[s][segment, band]
            index = self.offsets[s][segment, band] + np.minimum((u[:, s] * size).astype(np.int64), size - 1)
            parts += [self.phrases[s].take(pa.array(index)), self.literals[s + 1]]
        return pc.binary_join_element_wise(*parts, "")


@register
class NarrativeColumn(ColumnSpec):
    template: str = Field(min_length=1, max_length=1000, description="narrative: text with {slot}s filled from the lexicon.")
    bands: list[str] = Field(
        default_factory=lambda: ["low", "mid", "high"], min_length=2, max_length=20, description="narrative: position bands from low to high."
    )
    lexicons: dict[str, dict[str, dict[str, list[str]]]] = Field(description="narrative: {segment (or default): {slot: {band: [phrases]}}}.")
    words = ("narrative",)
    roles = frozenset({"fact", "event"})

    @model_validator(mode="after")
    def _complete(self) -> NarrativeColumn:
        names = slots(self.template)
        if not names:
            raise ValueError(f"template: narrative column {self.name!r} needs at least one {{slot}}, e.g. '{{tone}} month'")
        if len(set(names)) != len(names):
            raise ValueError(f"template: narrative column {self.name!r} repeats a slot; name each {{slot}} once")
        if len(set(self.bands)) != len(self.bands):
            raise ValueError(f"bands: narrative column {self.name!r} needs distinct band names")
        if not self.lexicons:
            raise ValueError(f"lexicons: narrative column {self.name!r} needs a lexicon (per segment, or {DEFAULT_LEXICON!r})")
        for key, lexicon in self.lexicons.items():
            for slot in names:
                for band in self.bands:
                    phrases = lexicon.get(slot, {}).get(band)
                    if not phrases or not 1 <= len(phrases) <= 100:
                        raise ValueError(f"lexicons.{key}.{slot}.{band}: give 1 to 100 phrases for slot {slot!r} in band {band!r}")
            extra = sorted(set(lexicon) - set(names)) + sorted({b for s in lexicon.values() for b in s} - set(self.bands))
            if extra:
                raise ValueError(f"lexicons.{key}: {extra[0]!r} is not a slot of the template or a band; slots {names}, bands {self.bands}")
        return self

    def check(self, ctx: CheckContext) -> None:
        segments = ctx.segments
        unknown = sorted(set(self.lexicons) - set(segments) - {DEFAULT_LEXICON})
        if unknown:
            raise ValueError(
                f"{ctx.path}.lexicons.{unknown[0]}: not a segment; key lexicons by segment ({', '.join(segments)}) or {DEFAULT_LEXICON!r}"
            )
        missing = [s for s in segments if s not in self.lexicons]
        if missing and DEFAULT_LEXICON not in self.lexicons:
            raise ValueError(f"{ctx.path}.lexicons: segment {missing[0]!r} has no lexicon; add one or a {DEFAULT_LEXICON!r} lexicon")

    def resolve(self, ctx: Any) -> NarrativePlan:
        names = slots(self.template)
        segments = [s.name for s in ctx.segments]
        phrases, offsets, sizes = [], [], []
        for slot in names:
            flat: list[str] = []
            offset = np.zeros((len(segments), len(self.bands)), dtype=np.int64)
            size = np.zeros_like(offset)
            for s, segment in enumerate(segments):
                lexicon = self.lexicons.get(segment, self.lexicons.get(DEFAULT_LEXICON))
                for b, band in enumerate(self.bands):
                    offset[s, b], size[s, b] = len(flat), len(lexicon[slot][band])
                    flat += lexicon[slot][band]
            phrases.append(pa.array(flat, pa.string()))
            offsets.append(offset)
            sizes.append(size)
        text = self.description or (
            f"Narrative text ({self.template!r}), phrases from the segment's lexicon in the band "
            f"({', '.join(self.bands)}) of the entity's trajectory position."
        )
        return NarrativePlan(
            self.name,
            pa.string(),
            text,
            not_null=True,
            literals=tuple(SLOT.split(self.template)[::2]),
            slot_names=tuple(names),
            phrases=tuple(phrases),
            offsets=tuple(offsets),
            sizes=tuple(sizes),
            bands=len(self.bands),
            segments=tuple(segments),
        )
