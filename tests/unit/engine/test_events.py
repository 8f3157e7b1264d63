"""Event tables: proportional rows per cell, and threshold events firing once at the first long-enough streak."""

from __future__ import annotations

import numpy as np
import pytest
from star_helpers import ENTITIES, LOGIN_SCALE, PERIODS, col, grid


def test_proportional_rows_per_cell_are_the_rounded_driver_times_scale(star):
    _, tables, _ = star
    engagement = grid(tables["fct_activity"], "engagement")
    expected = np.rint(np.nan_to_num(engagement, nan=0.0) * LOGIN_SCALE).astype(int)
    keys = tables["dim_date"].column("date_key").to_pylist()
    event = tables["evt_login"]
    got = np.zeros((ENTITIES, PERIODS), dtype=int)
    periods = np.array([keys.index(k) for k in event.column("date_key").to_pylist()])
    np.add.at(got, (col(event, "account_id").astype(int) - 1, periods), 1)
    assert (got == expected).all()
    assert np.isnan(engagement).any() and (got[np.isnan(engagement)] == 0).all()  # missing driver: no rows
    # Rows come grouped by entity, then period.
    order = list(zip(col(event, "account_id"), periods))
    assert order == sorted(order)


def first_streak(series: np.ndarray, hit: np.ndarray, n: int) -> np.ndarray:
    """Per entity, the period where ``hit`` has held for n consecutive periods first, or -1."""
    out = np.full(len(series), -1)
    for e in range(len(series)):
        run = 0
        for t in range(series.shape[1]):
            run = run + 1 if hit[e, t] else 0
            if run == n:
                out[e] = t
                break
    return out


@pytest.mark.parametrize(
    "event, metric, side, value, n",
    [("evt_power_user", "engagement", "above", 0.8, 3), ("evt_safe", "risk", "below", 0.2, 2)],
)
def test_threshold_events_fire_once_at_the_first_long_enough_streak(star, event, metric, side, value, n):
    _, tables, _ = star
    series = grid(tables["fct_activity"], metric)
    with np.errstate(invalid="ignore"):
        hit = series > value if side == "above" else series < value  # strict; NaN breaks the run
    expected = first_streak(series, hit, n)
    table = tables[event]
    keys = tables["dim_date"].column("date_key").to_pylist()
    entity = col(table, "account_id").astype(int) - 1
    assert len(set(entity.tolist())) == len(entity)  # at most once per entity
    got = np.full(ENTITIES, -1)
    got[entity] = [keys.index(k) for k in table.column("date_key").to_pylist()]
    assert got.tolist() == expected.tolist()
    assert 0 < (expected >= 0).sum() < ENTITIES  # some entities fire, some never reach the streak
    # An entity that crossed the value, but never for n periods in a row, has no event.
    crossed_briefly = [e for e in range(ENTITIES) if hit[e].any() and expected[e] < 0]
    assert crossed_briefly and not set(crossed_briefly) & set(entity.tolist())
