"""``seasonality``: months whose metric centres are lifted (or lowered) by a relative strength."""

from __future__ import annotations

from pydantic import Field, field_validator

from .base import Frozen


class SeasonalEffect(Frozen):
    months: list[int] = Field(min_length=1)
    strength: float = Field(gt=-1.0, description="Relative lift of the centre in those months: 0.3 is +30%.")

    @field_validator("months")
    @classmethod
    def _months(cls, value: list[int]) -> list[int]:
        if any(not 1 <= m <= 12 for m in value) or len(set(value)) != len(value):
            raise ValueError("months must be distinct numbers from 1 to 12")
        return value
