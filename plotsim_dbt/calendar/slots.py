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
    hours = _wrapped(HOURS_IN_DAY, hour_start, hour_end)
    days = np.zeros(DAYS_IN_WEEK, dtype=np.int64)
    days[day_start:day_end] = 1
    return (days[:, None] * hours[None, :]).reshape(-1)


def range_mask(start_slot: int, end_slot: int) -> np.ndarray:
    """0/1 vector over the slots for the half-open weekly range [start_slot, end_slot). When
    start_slot > end_slot the range wraps past Sunday 23:00 into Monday (Sunday 23:00 -> Monday
    01:00 is slots 167 and 0); start_slot == end_slot is empty. end_slot may be 168."""
    if not (0 <= start_slot <= TIME_SLOTS and 0 <= end_slot <= TIME_SLOTS):
        raise ValueError(f"slots: need 0 <= slot <= 168, got {start_slot}, {end_slot}")
    return _wrapped(TIME_SLOTS, start_slot, end_slot)


def _wrapped(size: int, start: int, end: int) -> np.ndarray:
    """0/1 vector of [start, end) on a cycle of ``size``; start > end wraps through 0."""
    mask = np.zeros(size, dtype=np.int64)
    if start <= end:
        mask[start:end] = 1
    else:
        mask[start:] = 1
        mask[:end] = 1
    return mask


def dirichlet_rows(rng: np.random.Generator, alpha: np.ndarray) -> np.ndarray:
    """One Dirichlet draw per row of alpha (n x K, entries >= 0, every row with a positive entry).

    Uses Gamma(a) = Gamma(a + 1) * U ** (1 / a) in log space, so tiny concentrations do not
    underflow to 0/0; a component with alpha 0 gets weight exactly 0. Consumes one standard_gamma
    and one uniform array of alpha's shape."""
    alpha = np.asarray(alpha, dtype=np.float64)
    if alpha.ndim != 2:
        raise ValueError("alpha must be 2-D (rows x components)")
    if np.any(~np.isfinite(alpha)) or np.any(alpha < 0):
        raise ValueError("alpha must be finite and >= 0")
    positive = alpha > 0
    if not positive.any(axis=1).all():
        raise ValueError("every row of alpha needs a positive entry")
    g = rng.standard_gamma(alpha + 1.0)
    u = rng.random(alpha.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_g = np.where(positive, np.log(g) + np.log1p(-u) / np.where(positive, alpha, 1.0), -np.inf)
    log_g -= log_g.max(axis=1, keepdims=True)
    w = np.exp(log_g)
    return w / w.sum(axis=1, keepdims=True)


def _cumulative(p: np.ndarray) -> np.ndarray:
    """Row-wise cumulative distribution whose last entry is exactly 1.0, so a uniform draw in
    [0, 1) never selects a trailing zero-probability cell."""
    c = np.cumsum(p, axis=1)
    return c / c[:, -1:]


def sample_event_slots(
    rng: np.random.Generator, weights: np.ndarray, components: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw every event of every entity at once.

    weights: n x K mixture weights (rows sum to 1); components: K x V slot probabilities (rows
    sum to 1); counts: n event counts. Returns (entity, component, slot) per event, entities in
    order. Component per event by inverse CDF on the entity's cumulative weights, slot by inverse
    CDF on the chosen component's cumulative slot probabilities; no per-entity Python loop.
    Consumes two uniform arrays of length sum(counts)."""
    weights = np.asarray(weights, dtype=np.float64)
    components = np.asarray(components, dtype=np.float64)
    counts = np.asarray(counts)
    if weights.ndim != 2 or components.ndim != 2 or weights.shape[1] != components.shape[0]:
        raise ValueError("weights must be n x K and components K x V")
    if counts.shape != (weights.shape[0],):
        raise ValueError("counts must have one entry per row of weights")
    if counts.size and (not np.issubdtype(counts.dtype, np.integer) or counts.min() < 0):
        raise ValueError("counts must be non-negative integers")
    if np.any(weights < 0) or np.any(components < 0) or not (weights.sum(axis=1) > 0).all() or not (components.sum(axis=1) > 0).all():
        raise ValueError("weights and components must be non-negative with positive row sums")
    entity = np.repeat(np.arange(weights.shape[0]), counts.astype(np.int64))
    u = rng.random(entity.size)
    v = rng.random(entity.size)
    component, slot = event_slots(weights, components, entity, u, v)
    return entity, component, slot


def event_slots(weights: np.ndarray, components: np.ndarray, entity: np.ndarray, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(component, slot) of events of the given entities (rows of ``weights``) from two uniforms
    per event: the component by inverse CDF on the entity's mixture, the slot by inverse CDF on the
    component's slot probabilities. Vectorised over events, looping only over components."""
    cum_w = _cumulative(weights)
    component = np.zeros(entity.size, dtype=np.int64)
    for k in range(components.shape[0] - 1):
        component += u >= cum_w[entity, k]
    cum_c = _cumulative(components)
    slot = np.empty(entity.size, dtype=np.int64)
    for k in range(components.shape[0]):
        idx = np.flatnonzero(component == k)
        slot[idx] = np.searchsorted(cum_c[k], v[idx], side="right")
    return component, slot


def count_matrix(entity: np.ndarray, slot: np.ndarray, n_entities: int, n_slots: int = TIME_SLOTS) -> np.ndarray:
    """n_entities x n_slots integer counts of (entity, slot) event pairs."""
    flat = np.asarray(entity, dtype=np.int64) * n_slots + np.asarray(slot, dtype=np.int64)
    return np.bincount(flat, minlength=n_entities * n_slots).reshape(n_entities, n_slots)
