"""The 168 hour-of-week slots as numpy arrays: Monday 00:00 is slot 0, Sunday 23:00 is slot 167
(slot = day_of_week * 24 + hour, day_of_week 0 = Monday as in Python's calendar module)."""

from __future__ import annotations

import numpy as np

DAYS_IN_WEEK = 7
HOURS_IN_DAY = 24
TIME_SLOTS = DAYS_IN_WEEK * HOURS_IN_DAY


def slot_of(day_of_week: np.ndarray, hour: np.ndarray) -> np.ndarray:
    return np.asarray(day_of_week) * HOURS_IN_DAY + np.asarray(hour)


def box_mask(day_start: int, day_end: int, hour_start: int, hour_end: int) -> np.ndarray:
    """0/1 vector over the slots: days [day_start, day_end) and, on each of those days, hours
    [hour_start, hour_end). When hour_start > hour_end the window runs overnight: from hour_start
    to midnight and from midnight to hour_end on each chosen day (22-2 on Monday is Monday 22:00,
    23:00 and Monday 00:00, 01:00)."""
    if not 0 <= day_start <= day_end <= DAYS_IN_WEEK:
        raise ValueError(f"days: need 0 <= day_start <= day_end <= 7 (end exclusive), got {day_start}, {day_end}")
    if not (0 <= hour_start <= HOURS_IN_DAY and 0 <= hour_end <= HOURS_IN_DAY):
        raise ValueError(f"hours: need hours in 0..24 (end exclusive), got {hour_start}, {hour_end}")
    hours = np.zeros(HOURS_IN_DAY, dtype=np.int64)
    if hour_start <= hour_end:
        hours[hour_start:hour_end] = 1
    else:
        hours[hour_start:] = 1
        hours[:hour_end] = 1
    days = np.zeros(DAYS_IN_WEEK, dtype=np.int64)
    days[day_start:day_end] = 1
    return (days[:, None] * hours[None, :]).reshape(-1)
