"""Distribution families, each written as a quantile map of a standard-normal draw z.

A cell's value is ``quantile(z | centre)``; the Gaussian copula correlates the z's across metrics.
Writing every family this way gives one code path for independent and correlated metrics, and lets
the planner integrate the same maps with Gauss-Hermite nodes to predict realised correlations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

_EDGE = 1e-4  # keeps logit finite when the centre touches a range end


def poisson_quantile(mean: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Smallest k with P(X <= k) >= Phi(z), exact; starts at the Cornish-Fisher guess, then corrects."""
    mean = np.maximum(mean, 0.0)
    u = special.ndtr(z)
    guess = mean + np.sqrt(mean) * z + (z * z - 1.0) / 6.0
    k = np.maximum(np.floor(guess), 0.0)
    # Walk up while the CDF is short of u, then down while the previous k already reaches u.
    for _ in range(64):
        low = special.pdtr(k, mean) < u
        if not low.any():
            break
        k = np.where(low, k + 1.0, k)
    for _ in range(64):
        high = (k > 0) & (special.pdtr(k - 1.0, mean) >= u)
        if not high.any():
            break
        k = np.where(high, k - 1.0, k)
    return np.where(mean > 0, k, 0.0)


MAX_TABLE_CELLS = 2_000_000  # CDF entries a metric's grid may hold; beyond it every cell takes the exact walk
GRID_STEP = 0.02  # finest spacing of the grid means
GRID_POINTS = 4096  # at most this many grid means


@dataclass(frozen=True)
class PoissonGrid:
    """CDF tables P(X <= k), k = 0 .. mean + 12 sd + 40, at evenly spaced means 0, step, 2 step, ...
    up to a metric's largest possible mean; built once per plan."""

    step: float
    flat: np.ndarray  # the tables, one after another
    offsets: np.ndarray
    lengths: np.ndarray

    @classmethod
    def up_to(cls, top: float) -> PoissonGrid | None:
        """None when the grid would hold more than MAX_TABLE_CELLS entries (or top is 0)."""
        if not top > 0 or not np.isfinite(top):
            return None
        step = max(GRID_STEP, top / GRID_POINTS)
        means = np.arange(int(np.ceil(top / step)) + 2) * step
        lengths = np.ceil(means + 12.0 * np.sqrt(means) + 40.0).astype(np.int64)
        if lengths.sum() > MAX_TABLE_CELLS:
            return None
        flat = np.concatenate([special.pdtr(np.arange(n, dtype=np.float64), m) for m, n in zip(means, lengths)])
        return cls(step, flat, np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)

    def first_reaching(self, table: np.ndarray, u: np.ndarray) -> np.ndarray:
        """For each cell, the first k whose CDF in table ``table`` reaches u (the table's length when none)."""
        lo = np.zeros(len(u), dtype=np.int64)
        hi = self.lengths[table].copy()
        base = self.offsets[table]
        while True:
            open_ = lo < hi
            if not open_.any():
                return lo
            mid = (lo + hi) // 2
            below = open_ & (self.flat[base + np.minimum(mid, hi - 1)] < u)
            lo = np.where(below, mid + 1, lo)
            hi = np.where(open_ & ~below, mid, hi)


def poisson_quantiles(means: np.ndarray, z: np.ndarray, grid: PoissonGrid | None) -> np.ndarray:
    """The same values as poisson_quantile(means, z), faster. The quantile k(mean, u) never falls
    as the mean rises, so when the exact quantile at the grid mean below a cell's mean (a binary
    search in that mean's CDF table) is also the quantile at the grid mean above, it is the
    cell's; the few cells whose bracket holds a jump (and means past the grid, draws past a
    table's end) take the exact walk."""
    means = np.maximum(np.asarray(means, dtype=np.float64), 0.0)
    z = np.asarray(z, dtype=np.float64)
    out = np.zeros(means.shape)
    live = means > 0
    if grid is None:
        out[live] = poisson_quantile(means[live], z[live])
        return out
    m, zz = means[live], z[live]
    u = special.ndtr(zz)
    below = np.minimum((m / grid.step).astype(np.int64), len(grid.lengths) - 2)
    k_low = grid.first_reaching(below, u)
    # The quantile at the upper grid mean equals k_low exactly when its CDF at k_low already reaches u.
    above = below + 1
    inside = (k_low < grid.lengths[above]) & (m <= above * grid.step)
    settled = inside & (grid.flat[grid.offsets[above] + np.where(inside, k_low, 0)] >= u)
    k = k_low.astype(np.float64)
    walk = ~settled
    if walk.any():
        k[walk] = poisson_quantile(m[walk], zz[walk])
    out[live] = k
    return out


def quantile(family: str, params: dict, centre: np.ndarray, z: np.ndarray, low: float, high: float) -> np.ndarray:
    """Value of a cell with the given centre at standard-normal score z (before noise and clamp)."""
    span = high - low
    if family == "logitnormal":
        unit = np.clip((centre - low) / span, _EDGE, 1.0 - _EDGE)
        return low + span * special.expit(special.logit(unit) + params["tau"] * z)
    if family == "normal":
        sigma = params["sigma"] or span / 10.0
        return centre + sigma * z
    if family == "lognormal":
        return np.maximum(centre, 1e-9) * np.exp(params["s"] * z)
    if family == "beta":
        unit = np.clip((centre - low) / span, _EDGE, 1.0 - _EDGE)
        kappa = params["concentration"]
        return low + span * special.betaincinv(unit * kappa, (1.0 - unit) * kappa, special.ndtr(z))
    if family == "gamma":
        shape = params["shape"]
        return np.maximum(centre, 0.0) / shape * special.gammaincinv(shape, special.ndtr(z))
    if family == "poisson":
        return poisson_quantile(centre, z)
    if family == "weibull":
        shape = params["shape"]
        # -log(1 - u) with 1 - u = Phi(-z) keeps precision in the upper tail.
        return np.maximum(centre, 0.0) * (-np.log(special.ndtr(-z)) / np.log(2.0)) ** (1.0 / shape)
    raise ValueError(f"unknown distribution family {family!r}")
