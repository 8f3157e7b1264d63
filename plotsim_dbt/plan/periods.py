"""The time axis: one anchor date per period (month start, ISO Monday, or day)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np

GRAINS = ("monthly", "weekly", "daily")
MAX_PERIODS = 20_000


def parse_window_date(text: str, *, end: bool) -> dt.date:
    """``YYYY-MM`` means the first day of that month (the last day when it closes a window)."""
    try:
        if len(text) == 7:
            year, month = int(text[:4]), int(text[5:7])
            day = calendar.monthrange(year, month)[1] if end else 1
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except (ValueError, TypeError):
        raise ValueError(f"{text!r} is not a date; write YYYY-MM or YYYY-MM-DD") from None


def anchor_dates(start: dt.date, end: dt.date, every: str) -> np.ndarray:
    """The periods' anchor dates as datetime64[D], oldest first."""
    if every == "monthly":
        first = np.datetime64(start.replace(day=1), "M")
        last = np.datetime64(end.replace(day=1), "M")
        return np.arange(first, last + 1).astype("datetime64[D]")
    if every == "weekly":
        monday = start - dt.timedelta(days=start.weekday())
        last_monday = end - dt.timedelta(days=end.weekday())
        return np.arange(np.datetime64(monday), np.datetime64(last_monday) + 1, 7)
    return np.arange(np.datetime64(start), np.datetime64(end) + 1)


@dataclass(frozen=True)
class PeriodAxis:
    every: str
    dates: np.ndarray  # datetime64[D]

    @property
    def count(self) -> int:
        return len(self.dates)

    @property
    def date_keys(self) -> np.ndarray:
        years, months, days = self.ymd
        return (years * 10000 + months * 100 + days).astype(np.int32)

    @property
    def ymd(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        years = self.dates.astype("datetime64[Y]").astype(np.int64) + 1970
        months = self.dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
        days = (self.dates - self.dates.astype("datetime64[M]")).astype(np.int64) + 1
        return years, months, days

    @property
    def months(self) -> np.ndarray:
        return self.ymd[1]

    @property
    def iso_weeks(self) -> np.ndarray:
        return np.array([d.isocalendar()[1] for d in self.dates.tolist()], dtype=np.int16)

    @property
    def labels(self) -> list[str]:
        if self.every == "monthly":
            return [str(d)[:7] for d in self.dates.astype("datetime64[M]")]
        if self.every == "weekly":
            return ["{:04d}-W{:02d}".format(*d.isocalendar()[:2]) for d in self.dates.tolist()]
        return [str(d) for d in self.dates]

    @property
    def period_days(self) -> np.ndarray:
        """Length of each period in days (used to place timestamps inside a period)."""
        if self.every == "monthly":
            ends = (self.dates.astype("datetime64[M]") + 1).astype("datetime64[D]")
            return (ends - self.dates).astype(np.int64)
        return np.full(self.count, 7 if self.every == "weekly" else 1, dtype=np.int64)


def period_axis(start: str, end: str, every: str) -> PeriodAxis:
    first = parse_window_date(start, end=False)
    last = parse_window_date(end, end=True)
    if last < first:
        raise ValueError(f"the window ends ({end}) before it starts ({start})")
    dates = anchor_dates(first, last, every)
    if len(dates) > MAX_PERIODS:
        raise ValueError(f"{len(dates)} {every} periods is more than {MAX_PERIODS}; use a coarser grain")
    return PeriodAxis(every=every, dates=dates)
