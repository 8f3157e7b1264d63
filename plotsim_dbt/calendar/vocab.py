"""Column vocabulary of the weekly calendar: the (day_of_week, hour) slots, their labels, and the
mapping from timestamps to slots.

Conventions (the same as ``slots``): day_of_week 0 = Monday ... 6 = Sunday (Python's ``calendar``
module and pandas ``dt.day_of_week``); hourly slot = day_of_week * 24 + hour, Monday 00:00 = 0,
Sunday 23:00 = 167. Wide frames have one column per slot in this (day-major) order.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .slots import DAYS_IN_WEEK, HOURS_IN_DAY, TIME_SLOTS

__all__ = [
    "DAYS_IN_WEEK",
    "HOURS_IN_DAY",
    "TIME_SLOTS",
    "EVEN_PROBABILITY",
    "MINUTES_IN_DAY",
    "DAY_NAMES",
    "DAY_LOOKUP",
    "VOCAB_NAMES",
    "FULL_VOCAB",
    "FULL_VOCAB_STRINGS",
    "DOWHour",
    "create_full_vocab",
    "format_vocab",
    "get_day_hour",
    "make_human_readable",
    "slots_per_day",
    "timestamp_features",
    "timestamps_to_slots",
    "as_multiindex_columns",
]

MINUTES_IN_DAY = 24 * 60
EVEN_PROBABILITY = 1 / TIME_SLOTS
DAY_NAMES = list(_calendar.day_abbr)  # ['Mon', ..., 'Sun']
VOCAB_NAMES = ["day_of_week", "hour"]

DAY_LOOKUP: dict[str, int] = {}
for _i, (_abbr, _name) in enumerate(zip(_calendar.day_abbr, _calendar.day_name)):
    DAY_LOOKUP[_abbr] = _i
    DAY_LOOKUP[_name] = _i
DAY_LOOKUP["Tues"] = 1
DAY_LOOKUP["Thurs"] = 3


def slots_per_day(minutes: int = 60) -> int:
    """Number of slots per day for slots of ``minutes`` (which must divide 1440)."""
    if not isinstance(minutes, (int, np.integer)) or minutes <= 0 or MINUTES_IN_DAY % minutes:
        raise ValueError(f"minutes must be a positive integer dividing 1440, got {minutes!r}")
    return MINUTES_IN_DAY // int(minutes)


def _hour_labels(minutes: int) -> np.ndarray:
    """Start hour of every slot of a day: ints for whole-hour slots, floats otherwise. Computed as
    bin * minutes / 60 (not by accumulating a step), so timestamps and vocab agree exactly."""
    n = slots_per_day(minutes)
    if minutes % 60 == 0:
        return np.arange(n, dtype=np.int64) * (minutes // 60)
    return np.arange(n, dtype=np.int64) * minutes / 60


def format_vocab(day_of_week: int, hour: float, fractional: bool | None = None) -> str:
    """String label of a slot: ``"DD HH"`` for hourly slots (``"06 23"``), ``"DD HH.HH"`` for
    sub-hour slots (``"00 07.50"``, and ``"00 07.00"`` in the same vocabulary; ``fractional``
    chooses, default: whether ``hour`` is fractional). The one formatter used everywhere, so
    aggregated labels always match ``create_full_vocab``."""
    if fractional is None:
        fractional = not float(hour).is_integer()
    if not fractional:
        return f"{int(day_of_week):02d} {int(hour):02d}"
    return f"{int(day_of_week):02d} {float(hour):05.2f}"


def create_full_vocab(days_in_week: int = DAYS_IN_WEEK, minutes: int = 60, as_multiindex: bool = True):
    """All slots of a week in canonical (day-major) order: a MultiIndex (day_of_week, hour) or
    the string labels of ``format_vocab``. minutes=60 gives the 168 hourly slots."""
    hours = _hour_labels(minutes)
    index = pd.MultiIndex.from_product([range(days_in_week), hours], names=VOCAB_NAMES)
    if as_multiindex:
        return index
    fractional = minutes % 60 != 0
    return pd.Index([format_vocab(d, h, fractional) for d, h in index], name="vocab")


FULL_VOCAB: pd.MultiIndex = create_full_vocab()
FULL_VOCAB_STRINGS: pd.Index = create_full_vocab(as_multiindex=False)


def get_day_hour(vocab: str) -> tuple[int, float]:
    """``"03 14"`` -> (3, 14); ``"00 07.50"`` -> (0, 7.5)."""
    day, hour = vocab.split()
    h = float(hour)
    return int(day), int(h) if h.is_integer() else h


def make_human_readable(vocab: str) -> str:
    """``"02 13"`` -> ``"Wednesday 1pm"``."""
    day, hour = get_day_hour(vocab)
    whole = int(hour)
    minute = int(round((hour - whole) * 60))
    suffix = "am" if whole < 12 else "pm"
    h12 = whole % 12 or 12
    clock = f"{h12}{suffix}" if minute == 0 else f"{h12}:{minute:02d}{suffix}"
    return f"{_calendar.day_name[day]} {clock}"


@dataclass(frozen=True)
class DOWHour:
    """A point of the week: day of week (0 = Monday) and hour (0..24; 24 means the end of the day,
    for end-exclusive ranges)."""

    dow: int
    hour: int

    def __post_init__(self) -> None:
        if not 0 <= self.dow < DAYS_IN_WEEK:
            raise ValueError(f"dow must be in 0..6, got {self.dow}")
        if not 0 <= self.hour <= HOURS_IN_DAY:
            raise ValueError(f"hour must be in 0..24, got {self.hour}")

    @property
    def slot(self) -> int:
        """Hourly slot index 0..168 (168 only for Sunday 24:00)."""
        return self.dow * HOURS_IN_DAY + self.hour

    @property
    def vocab(self) -> str:
        return format_vocab(self.dow, self.hour)

    @classmethod
    def from_vocab(cls, vocab: str) -> DOWHour:
        day, hour = get_day_hour(vocab)
        return cls(dow=day, hour=int(hour))

    @classmethod
    def from_slot(cls, slot: int) -> DOWHour:
        return cls(dow=int(slot) // HOURS_IN_DAY % DAYS_IN_WEEK, hour=int(slot) % HOURS_IN_DAY)

    def is_after(self, other: DOWHour) -> bool:
        return self.slot > other.slot

    def __add__(self, hours: int) -> DOWHour:
        return DOWHour.from_slot((self.slot + int(hours)) % TIME_SLOTS)


def _as_timestamps(values) -> pd.Series:
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if not pd.api.types.is_datetime64_any_dtype(s.dtype):
        s = pd.to_datetime(s)
    return s


def timestamps_to_slots(values, minutes: int = 60) -> np.ndarray:
    """Slot index of every timestamp: ``day_of_week * slots_per_day + floor(time_of_day / minutes)``
    (hourly: ``day_of_week * 24 + hour``). The wall clock is used as stored: tz-aware values are not
    converted. Missing values (NaT) give -1."""
    s = _as_timestamps(values)
    per_day = slots_per_day(minutes)
    missing = s.isna().to_numpy()
    dow = s.dt.day_of_week.to_numpy(dtype=np.float64, na_value=np.nan)
    seconds = (
        s.dt.hour.to_numpy(dtype=np.float64, na_value=np.nan) * 3600
        + s.dt.minute.to_numpy(dtype=np.float64, na_value=np.nan) * 60
        + s.dt.second.to_numpy(dtype=np.float64, na_value=np.nan)
    )
    out = np.full(len(s), -1, dtype=np.int64)
    ok = ~missing
    out[ok] = dow[ok].astype(np.int64) * per_day + seconds[ok].astype(np.int64) // (int(minutes) * 60)
    return out


def timestamp_features(values, minutes: int = 60, discretize: bool = True, create_vocab: bool = False) -> pd.DataFrame:
    """DataFrame (index of ``values``) with ``day_of_week`` (0 = Monday) and ``hour``: the
    fractional hour of day, or with ``discretize`` its slot start (ints for whole-hour slots).
    ``create_vocab`` adds the string label column ``vocab``. NaT rows give missing values."""
    s = _as_timestamps(values)
    dow = s.dt.day_of_week.astype("Int64")
    if discretize:
        slots = timestamps_to_slots(s, minutes)
        per_day = slots_per_day(minutes)
        labels = _hour_labels(minutes)
        hour_values = labels[np.where(slots >= 0, slots % per_day, 0)]
        hour = pd.Series(hour_values, index=s.index)
        if minutes % 60 == 0:
            hour = hour.astype("Int64")
        hour = hour.where(slots >= 0)
    else:
        hour = s.dt.hour + s.dt.minute / 60 + s.dt.second / 3600 + s.dt.microsecond / 3.6e9
    out = pd.DataFrame({"day_of_week": dow, "hour": hour}, index=s.index)
    if create_vocab:
        fractional = not discretize or minutes % 60 != 0
        out["vocab"] = [format_vocab(d, h, fractional) if pd.notna(d) and pd.notna(h) else None for d, h in zip(out["day_of_week"], out["hour"])]
    return out


def as_multiindex_columns(columns: pd.Index) -> pd.MultiIndex:
    """The (day_of_week, hour) MultiIndex of wide columns given as a MultiIndex or as string
    labels (``"DD HH"``)."""
    if isinstance(columns, pd.MultiIndex):
        return columns
    try:
        pairs = [get_day_hour(c) for c in columns]
    except (AttributeError, ValueError) as exc:
        raise ValueError("columns must be a (day_of_week, hour) MultiIndex or 'DD HH' string labels") from exc
    return pd.MultiIndex.from_tuples(pairs, names=VOCAB_NAMES)
