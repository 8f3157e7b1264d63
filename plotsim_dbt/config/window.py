"""``window``: the periods a run covers, from a first to a last period at one grain."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ..plan.periods import period_axis
from .base import Frozen


class Window(Frozen):
    start: str = Field(description="First period, YYYY-MM or YYYY-MM-DD.")
    end: str = Field(description="Last period, YYYY-MM or YYYY-MM-DD (inclusive).")
    every: Literal["monthly", "weekly", "daily"] = Field("monthly", description="Period grain.")

    @model_validator(mode="before")
    @classmethod
    def _from_sequence(cls, data: Any) -> Any:
        if isinstance(data, (list, tuple)):
            if len(data) not in (2, 3):
                raise ValueError("write the window as (start, end) or (start, end, every)")
            return dict(zip(("start", "end", "every"), data))
        return data

    @field_validator("start", "end", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        return str(value)  # YAML reads 2024-01-15 as a date

    @model_validator(mode="after")
    def _parses(self) -> Window:
        period_axis(self.start, self.end, self.every)
        return self

    @property
    def periods(self) -> int:
        return period_axis(self.start, self.end, self.every).count
