"""The weekly calendar block of a config: components (boxes of days and hours), weights and
concentration of each entity's Dirichlet mixture, per-segment priors, and which events it places."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from ..calendar.slots import box_mask
from .base import Frozen, Identifier

if TYPE_CHECKING:
    from .models import Config


class CalendarComponent(Frozen):
    """One weekly pattern: a box of days and hours (hours may run overnight, e.g. [22, 2])."""

    name: Identifier
    days: tuple[int, int] = Field((0, 7), description="[first, last) day of week, 0 = Monday: [0, 5] is Monday-Friday.")
    hours: tuple[int, int] = Field((0, 24), description="[first, last) hour on each of those days; [22, 2] runs overnight.")


class Calendar(Frozen):
    """Hour-of-week placement of event timestamps: each entity mixes the components with its own
    weights, drawn from Dirichlet(concentration x weights)."""

    components: list[CalendarComponent] = Field(min_length=1)
    weights: list[float] | None = Field(None, description="Population mixture over the components (normalised); default equal.")
    concentration: float = Field(
        5.0, gt=0, description="Total Dirichlet concentration: large -> every entity near the population mix, small -> near one component."
    )
    segments: dict[str, list[float]] = Field(default_factory=dict, description="Per-segment mixture weights that replace `weights`.")
    events: list[str] | None = Field(None, description="Event tables placed by the calendar; default all.")

    @model_validator(mode="after")
    def _weights(self) -> Calendar:
        k = len(self.components)
        names = [c.name for c in self.components]
        if len(set(names)) != k:
            raise ValueError("components: component names must be unique")
        for i, component in enumerate(self.components):
            try:
                mask = box_mask(*component.days, *component.hours)
            except ValueError as err:
                raise ValueError(f"components.{i}.{err}") from None
            if not mask.any():
                raise ValueError(f"components.{i}: {component.name!r} covers no hour of the week")
        for field, weights in [("weights", self.weights), *((f"segments.{s}", w) for s, w in self.segments.items())]:
            if weights is not None and (len(weights) != k or any(w < 0 for w in weights) or sum(weights) <= 0):
                raise ValueError(f"{field}: give {k} non-negative weights (one per component) with a positive sum")
        return self

    def places(self, event: str) -> bool:
        """Whether the calendar places this event table's timestamps."""
        return self.events is None or event in self.events

    def mixture_prior(self, segment: str) -> list[float]:
        """The Dirichlet parameters of a segment's entities."""
        weights = self.segments.get(segment) or self.weights or [1.0] * len(self.components)
        total = sum(weights)
        return [self.concentration * w / total for w in weights]


def check_calendar(config: Config) -> None:
    calendar = config.calendar
    if calendar is None:
        return
    if config.window.every == "daily":
        raise ValueError("calendar: hour-of-week placement needs monthly or weekly periods (a daily period holds one weekday)")
    segments = {s.name for s in config.segments}
    for name in calendar.segments:
        if name not in segments:
            raise ValueError(f"calendar.segments: {name!r} is not a declared segment")
    events = {e.name for e in config.events}
    for name in calendar.events or []:
        if name not in events:
            raise ValueError(f"calendar.events: {name!r} is not a declared event table")
    if not config.events:
        raise ValueError("calendar: it places event timestamps, but the config declares no events")
