"""Synthetic calendar data from a (fitted or hand-built) calendar model, numpy only.

Generative story, per user u with n_u events (K components, V = 168 slots):

    alpha     = A * pi                       pi = model.component_distribution_, A = concentration
    alpha'_u  = max(Gamma(alpha, scale=s), 1e-8)   only when concentration_scale s != 1.0
    theta_u   ~ Dirichlet(alpha'_u)          the user's mixture over components
    z_ui      ~ Categorical(theta_u)         component of event i
    slot_ui   ~ Categorical(beta_{z_ui})     beta = model.normalized_components_

All users are drawn at once (``slots.dirichlet_rows`` and ``slots.sample_event_slots``); there is
no per-user Python loop. The random stream is ``numpy.random.default_rng(random_state)``; the
same seed gives the same frames, but not the same numbers as the reference library, which draws
user by user.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import pandas as pd

from . import slots as _slots
from .vocab import FULL_VOCAB

__all__ = ["LatentCalendarSampler", "sample_from_latent_calendar", "wide_format_dataframe", "wide_to_events"]

_MIN_PERTURBED_ALPHA = 1e-8


def _as_counts(n_samples) -> np.ndarray:
    if isinstance(n_samples, (bool, np.bool_)):
        raise TypeError("n_samples must be an int or a sequence of ints")
    if isinstance(n_samples, Integral):
        counts = np.array([int(n_samples)], dtype=np.int64)
    else:
        raw = np.asarray(n_samples)
        if raw.ndim != 1:
            raise TypeError("n_samples must be an int or a 1-D sequence of ints")
        if raw.size and not np.issubdtype(raw.dtype, np.number):
            raise TypeError("n_samples must contain numbers")
        counts = raw.astype(np.int64)
        if raw.size and not np.array_equal(counts, raw):
            raise ValueError("n_samples must contain whole numbers")
    if counts.size and counts.min() < 0:
        raise ValueError("event counts must be >= 0")
    return counts


class LatentCalendarSampler:
    """Draws users (mixture weights and slot counts) from a calendar model.

    Parameters
    ----------
    model
        Anything with ``component_distribution_`` (length K, sums to 1) and
        ``normalized_components_`` (K x V, rows sum to 1): a fitted ``LatentCalendar``,
        a ``DummyModel``, or a duck-typed object.
    random_state
        Seed (or ``numpy.random.Generator``) of the sampler's own stream; repeated calls continue
        the stream. numpy's global RNG is never touched.
    concentration_scale
        Reference-compatible per-user Gamma perturbation of the Dirichlet parameter:
        ``alpha'_k ~ Gamma(alpha_k, scale=concentration_scale)``, floored at 1e-8; skipped exactly
        at 1.0. It keeps the mean mixture but randomises each user's Dirichlet mean and total
        (``A' ~ Gamma(A, s)``), so any value != 1.0 *adds* spread, most for values near 1 or below 1.
    concentration
        Total Dirichlet concentration A (> 0): ``alpha = A * component_distribution_``. ``None``
        means 1.0, the reference's implicit value (users mostly load on one component). Larger
        values make users closer to the population mixture: Var(theta_k) = pi_k (1 - pi_k) / (A + 1).
    """

    def __init__(self, model, random_state=None, concentration_scale: float = 1.0, concentration: float | None = None):
        pi = np.asarray(model.component_distribution_, dtype=np.float64)
        beta = np.asarray(model.normalized_components_, dtype=np.float64)
        if pi.ndim != 1 or beta.ndim != 2 or beta.shape[0] != pi.shape[0]:
            raise ValueError("model must have component_distribution_ (K,) and normalized_components_ (K x V)")
        if not np.isfinite(pi).all() or (pi < 0).any() or pi.sum() <= 0:
            raise ValueError("component_distribution_ must be finite, non-negative and not all zero")
        if not np.isfinite(concentration_scale) or concentration_scale <= 0:
            raise ValueError(f"concentration_scale must be > 0, got {concentration_scale}")
        if concentration is not None and (not np.isfinite(concentration) or concentration <= 0):
            raise ValueError(f"concentration must be > 0, got {concentration}")
        self.model = model
        self.random_state = random_state
        self.concentration_scale = float(concentration_scale)
        self.concentration = 1.0 if concentration is None else float(concentration)
        self.rng = np.random.default_rng(random_state)
        self._pi = pi / pi.sum()
        self._beta = beta
        self.alpha_ = self.concentration * self._pi
        self._columns = _event_columns(model, beta.shape[1])

    @property
    def n_components(self) -> int:
        return self._pi.shape[0]

    def sample_weights(self, n_users: int) -> np.ndarray:
        """n_users x K mixture weights (rows sum to 1)."""
        alpha = np.broadcast_to(self.alpha_, (int(n_users), self.n_components))
        if self.concentration_scale != 1.0:
            perturbed = self.rng.gamma(alpha, self.concentration_scale)
            alpha = np.where(alpha > 0, np.maximum(perturbed, _MIN_PERTURBED_ALPHA), 0.0)
        if alpha.shape[0] == 0:
            return np.empty((0, self.n_components))
        return _slots.dirichlet_rows(self.rng, alpha)

    def sample_arrays(self, n_samples) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """numpy version of ``sample`` that also returns the events: (weights n x K, counts n x V,
        entity, component, slot) with one entry per event in the last three."""
        counts = _as_counts(n_samples)
        weights = self.sample_weights(counts.size)
        entity, component, slot = _slots.sample_event_slots(self.rng, weights, self._beta, counts)
        matrix = _slots.count_matrix(entity, slot, counts.size, self._beta.shape[1])
        return weights, matrix, entity, component, slot

    def sample(self, n_samples) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Draw users. ``n_samples``: an int (one user with that many events) or a sequence of
        ints (one user per element; 0 is allowed and gives an all-zero row).

        Returns ``(df_weights, df_events)``: weights (n_users x K, columns 0..K-1, rows sum to 1)
        and integer counts (n_users x V, columns FULL_VOCAB or the model's string feature names),
        whose rows sum to the requested counts."""
        weights, matrix, *_ = self.sample_arrays(n_samples)
        index = pd.RangeIndex(weights.shape[0])
        df_weights = pd.DataFrame(weights, index=index, columns=pd.RangeIndex(self.n_components), copy=False)
        df_events = pd.DataFrame(matrix, index=index, columns=self._columns, copy=False)  # fresh arrays: no copy
        return df_weights, df_events

    def sample_events(self, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        """One user with ``n`` events (same as ``sample(n_samples=n)``)."""
        return self.sample(n_samples=int(n))

    def __repr__(self) -> str:
        return (
            f"LatentCalendarSampler(n_components={self.n_components}, random_state={self.random_state!r}, "
            f"concentration={self.concentration}, concentration_scale={self.concentration_scale})"
        )


def _event_columns(model, n_slots: int) -> pd.Index:
    names = getattr(model, "feature_names_in_", None)
    if names is not None and len(names) == n_slots:
        return pd.Index(names)
    if n_slots == FULL_VOCAB.size:
        return FULL_VOCAB
    return pd.RangeIndex(n_slots)


def sample_from_latent_calendar(model, n_samples, random_state=None, concentration_scale: float = 1.0, concentration: float | None = None):
    """One-shot ``LatentCalendarSampler(model, ...).sample(n_samples)``."""
    return LatentCalendarSampler(model, random_state=random_state, concentration_scale=concentration_scale, concentration=concentration).sample(
        n_samples
    )


def wide_format_dataframe(n_rows: int, rate: float = 1.0, random_state=None) -> pd.DataFrame:
    """n_rows x 168 i.i.d. Poisson(rate) counts with FULL_VOCAB columns: smoke-test data without
    any calendar structure. Uses its own ``default_rng(random_state)``; numpy's global RNG is not
    touched (the reference reseeds it)."""
    rng = np.random.default_rng(random_state)
    values = rng.poisson(lam=rate, size=(int(n_rows), FULL_VOCAB.size)).astype(np.int64)
    return pd.DataFrame(values, columns=FULL_VOCAB)


def wide_to_events(
    df: pd.DataFrame, start="2024-01-01", weeks: int = 1, id_col: str | None = None, timestamp_col: str = "timestamp", random_state=None
) -> pd.DataFrame:
    """Wide counts -> one event row per count: (id, timestamp), the id being the row's index value.

    The slot size follows the column count (168 -> hourly, 336 -> 30 minutes, ...; the columns are
    taken in day-major order). Each event lands in a week drawn uniformly among ``weeks`` weeks
    from ``start`` (a Monday, midnight) and at a uniform whole second inside its slot, so
    aggregating the events again gives back ``df``. ``id_col`` defaults to the index name, else
    ``"id"``."""
    values = df.to_numpy()
    n_slots = values.shape[1]
    if n_slots == 0 or n_slots % 7 or 1440 % (n_slots // 7):
        raise ValueError(f"df needs 7 x (slots per day) columns with the slots dividing the day, got {n_slots}")
    if values.size and (not np.issubdtype(values.dtype, np.number) or (values < 0).any() or (values != np.round(values)).any()):
        raise ValueError("df must hold non-negative whole event counts")
    first = pd.Timestamp(start)
    if first.day_of_week != 0 or first != first.normalize():
        raise ValueError(f"start must be a Monday at midnight, got {first}")
    if isinstance(weeks, bool) or int(weeks) != weeks or weeks < 1:
        raise ValueError(f"weeks must be a positive integer, got {weeks!r}")
    per_day = n_slots // 7
    slot_seconds = 86_400 // per_day
    counts = values.astype(np.int64)
    row, slot = np.nonzero(counts)
    repeats = counts[row, slot]
    row, slot = np.repeat(row, repeats), np.repeat(slot, repeats)
    rng = np.random.default_rng(random_state)
    week = rng.integers(int(weeks), size=row.size)
    second = rng.integers(slot_seconds, size=row.size)
    offset = week * 7 * 86_400 + slot * slot_seconds + second  # slot * slot_seconds = day * 86400 + slot start
    name = id_col or df.index.name or "id"
    return pd.DataFrame({name: df.index.to_numpy()[row], timestamp_col: first + pd.to_timedelta(offset, unit="s")})
