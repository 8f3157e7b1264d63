"""Distribution families, each written as a quantile map of a standard-normal draw z.

A cell's value is ``quantile(z | centre)``; the Gaussian copula correlates the z's across metrics.
Writing every family this way gives one code path for independent and correlated metrics, and lets
the planner integrate the same maps with Gauss-Hermite nodes to predict realised correlations.
"""

from __future__ import annotations

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


MAX_TABLE_CELLS = 5_000_000  # CDF entries kept for the table lookup; beyond it the exact walk is used


def poisson_cdf_tables(means: np.ndarray) -> list[np.ndarray] | None:
    """CDF table P(X <= k), k = 0 .. mean + 12 sd + 40, for each mean (draws past a table's end
    take the exact walk); None when the tables would hold more than MAX_TABLE_CELLS entries."""
    means = np.maximum(np.asarray(means, dtype=np.float64), 0.0)
    lengths = np.ceil(means + 12.0 * np.sqrt(means) + 40.0).astype(np.int64)
    if lengths.sum() > MAX_TABLE_CELLS:
        return None
    return [special.pdtr(np.arange(n, dtype=np.float64), m) if m > 0 else np.ones(1) for m, n in zip(means.ravel(), lengths.ravel())]


def poisson_from_table(cdf: np.ndarray, mean: float, z: np.ndarray) -> np.ndarray:
    """The same values as poisson_quantile(mean, z) for one mean, by binary search in its CDF
    table; draws beyond the table's end (u above its last entry) fall back to the exact walk."""
    if mean <= 0:
        return np.zeros_like(z)
    u = special.ndtr(z)
    k = np.searchsorted(cdf, u, side="left").astype(np.float64)
    beyond = k >= len(cdf)
    if beyond.any():
        k[beyond] = poisson_quantile(np.full(int(beyond.sum()), mean), z[beyond])
    return k


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
