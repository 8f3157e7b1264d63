"""Plan the Gaussian copula so declared connections hold on the whole fact table.

The table-wide Pearson of two metrics has two sources: the trajectory moves both centres (between
cells), and the copula correlates the draws (within a cell). Both are computed exactly for the
plan's centre field with Gauss-Hermite quadrature over the same quantile maps the engine uses.
For each declared pair the planner solves for the copula correlation that makes the predicted
table-wide Pearson equal the target. When the trajectory alone already pushes the pair past the
target (two metrics that rise together but are declared to oppose), it lowers the two metrics'
trajectory loading just enough that a copula correlation of the target's sign reaches it, and
records that it did.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import optimize, special

from ..config.errors import ConfigError
from ..engine.families import quantile
from .centres import MetricPlan, metric_centre

RHO_LIMIT = 0.98  # copula correlations stay inside this so the factor is well conditioned
MARGIN = 0.02  # a target must sit this far inside the reachable interval
MIN_LOADING = 0.02
STEP, STEPS = 0.93, 60  # loading shrinks by 7% a round, down to MIN_LOADING at most
_NODES = 20
_BINS = 64
# Planning cost grows with the periods the moments are taken over; a longer window is planned on
# this many blocks of consecutive periods (its trajectory is smooth, so a block's mean stands for it).
PLANNING_PERIODS = 120


@lru_cache(maxsize=2)
def _rule(discrete: bool) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights for E[f(Z)], Z standard normal. Gauss-Hermite is exact for smooth maps;
    a count's quantile map is a step function, for which Gauss-Hermite misleads, so pairs with a
    count use 64 equal-probability bins, each represented by its conditional mean."""
    if not discrete:
        nodes, weights = np.polynomial.hermite_e.hermegauss(_NODES)
        return nodes, weights / weights.sum()
    edges = special.ndtri(np.linspace(0.0, 1.0, _BINS + 1))
    density = np.exp(-0.5 * edges**2) / np.sqrt(2 * np.pi)
    return (density[:-1] - density[1:]) * _BINS, np.full(_BINS, 1.0 / _BINS)


def expected_values(metric: MetricPlan, centres: np.ndarray, low: float, high: float) -> np.ndarray:
    """E[value | centre] of a metric's cells before noise and outliers, in a segment whose range of
    the metric is [low, high]: the family's quantile map integrated over the draw and clamped as the
    engine clamps. A count's mean is its centre (its clamp, [0, inf), never binds), which is exact
    where binned quadrature of the step map is not."""
    if metric.family == "poisson":
        return np.maximum(centres, 0.0)
    nodes, weights = _rule(False)
    flat = centres.reshape(-1, 1)
    grid = quantile(metric.family, metric.params, np.broadcast_to(flat, (flat.shape[0], nodes.size)), nodes[None, :], low, high)
    return (np.clip(grid, metric.clamp_low, metric.clamp_high) @ weights).reshape(centres.shape)


@dataclass(frozen=True)
class PairPlan:
    metric_a: str
    metric_b: str
    word: str | None
    declared: float
    trajectory_contribution: float  # Pearson the centres alone would give (copula at 0)
    planned: float  # copula correlation solved for the target
    copula: float  # after any repair of the whole matrix
    delivered: float  # predicted table-wide Pearson
    reachable: bool


@dataclass(frozen=True)
class CopulaPlan:
    matrix: np.ndarray | None  # M x M copula correlation, None when nothing is connected
    cholesky: np.ndarray | None
    pairs: tuple[PairPlan, ...]
    loadings: np.ndarray
    repaired: bool
    repair_max_change: float


@dataclass(frozen=True)
class NoiseVariance:
    """The noise's share of each metric's variance: ``relative`` [M] multiplies E[x^2] (noise
    proportional to the value); ``by_position`` [M] multiplies the squared position (noise that
    scales with the trajectory, whose sd is sigma x position x span)."""

    relative: np.ndarray
    by_position: np.ndarray

    def second_moment(self, m: int, second: np.ndarray, position: np.ndarray) -> np.ndarray:
        """E[(x + noise)^2] per group, from E[x^2] and the metric's position."""
        if self.by_position[m] > 0:
            return second + self.by_position[m] * position**2
        return second * (1.0 + self.relative[m])


@dataclass(frozen=True)
class PhasePlan:
    """The copula of one connection phase: periods [start, end], both inclusive."""

    start: int
    end: int
    copula: CopulaPlan


class Unplannable(ArithmeticError):
    """The moments of a pair of metrics overflowed (values too large for float64 arithmetic)."""

    def __init__(self, a: int, b: int):
        super().__init__(a, b)
        self.pair = frozenset((a, b))


class _Moments:
    """Conditional moments of each metric per group (a pseudo-entity's period), for given loadings.
    Groups standing for no cell are dropped; a metric's marginal values are kept per loading."""

    def __init__(self, effective, lift, ranges, metrics, weights, noise: NoiseVariance):
        keep = weights > 0
        self.effective = effective.reshape(-1, effective.shape[-1])[keep]  # [G, M]
        self.lift = lift.reshape(-1, lift.shape[-1])[keep]
        # each group's [low, high] per metric: its unit's, repeated over the unit's periods
        self.low, self.high = (np.repeat(ranges[..., i], effective.shape[1], axis=0)[keep] for i in (0, 1))
        self.metrics = metrics
        self.weights = weights[keep] / weights[keep].sum()  # [G], sums to 1
        self.noise = noise
        self._marginals: dict[tuple[int, float, bool], np.ndarray] = {}
        # The water-filling rounds re-ask pairs whose loadings did not move: answer them from here.
        self._pearsons: dict[tuple[int, int, float, float, float], float] = {}

    def values(self, m: int, loadings: np.ndarray, z: np.ndarray) -> np.ndarray:
        metric = self.metrics[m]
        low, high = self.low[:, m, None], self.high[:, m, None]
        centres = metric_centre(metric, self.effective[:, m], self.lift[:, m], loadings[m], low[:, 0], high[:, 0]).reshape(-1, 1)
        grid = quantile(metric.family, metric.params, np.broadcast_to(centres, (centres.shape[0], z.size)), z[None, :], low, high)
        return np.clip(grid, metric.clamp_low, metric.clamp_high)

    def marginal(self, m: int, loadings: np.ndarray, discrete: bool) -> np.ndarray:
        key = (m, float(loadings[m]), discrete)
        if key not in self._marginals:
            self._marginals[key] = self.values(m, loadings, _rule(discrete)[0])
        return self._marginals[key]

    def pearson(self, a: int, b: int, loadings: np.ndarray, rho: float) -> float:
        key = (a, b, float(loadings[a]), float(loadings[b]), float(rho))
        if key not in self._pearsons:
            self._pearsons[key] = self._pearson(a, b, loadings, rho)
        return self._pearsons[key]

    def _pearson(self, a: int, b: int, loadings: np.ndarray, rho: float) -> float:
        discrete = self.metrics[a].integer or self.metrics[b].integer
        nodes, w = _rule(discrete)
        k = len(nodes)
        fa = self.marginal(a, loadings, discrete)  # [G, K]
        fb_marg = self.marginal(b, loadings, discrete)
        # z_b = rho * x + sqrt(1 - rho^2) * y on the product grid (x: node i, y: node j)
        if rho == 0.0:  # independent draws: b's values do not depend on a's node
            fb = np.broadcast_to(fb_marg[:, None, :], (fb_marg.shape[0], k, k))
        else:
            zb = rho * nodes[:, None] + np.sqrt(1.0 - rho * rho) * nodes[None, :]
            fb = self.values(b, loadings, zb.ravel()).reshape(-1, k, k)
        mean_a, mean_b = fa @ w, fb_marg @ w
        second_a, second_b = (fa * fa) @ w, (fb_marg * fb_marg) @ w
        cross = np.einsum("gk,gkl,k,l->g", fa, fb, w, w)
        g = self.weights
        total_a, total_b = g @ mean_a, g @ mean_b
        var_a = g @ self.noise.second_moment(a, second_a, self.effective[:, a]) - total_a**2
        var_b = g @ self.noise.second_moment(b, second_b, self.effective[:, b]) - total_b**2
        if not np.isfinite([var_a, var_b, total_a, total_b]).all():
            raise Unplannable(a, b)
        if var_a <= 1e-15 or var_b <= 1e-15:
            return 0.0
        return float((g @ cross - total_a * total_b) / np.sqrt(var_a * var_b))


def nearest_correlation(matrix: np.ndarray, keep: np.ndarray | None = None, iterations: int = 500) -> np.ndarray:
    """Higham's alternating projections (with Dykstra's correction) onto positive-definite
    unit-diagonal matrices. Entries where ``keep`` is True are held at their values, so free
    entries (pairs nobody declared) absorb the change first; the result is floored to be
    strictly positive definite."""
    keep = np.zeros_like(matrix, dtype=bool) if keep is None else keep
    y = matrix.copy()
    correction = np.zeros_like(matrix)
    for _ in range(iterations):
        r = y - correction
        values, vectors = np.linalg.eigh(r)
        x = (vectors * np.maximum(values, 0.0)) @ vectors.T
        correction = x - r
        y = np.where(keep, matrix, x)
        np.fill_diagonal(y, 1.0)
        if np.linalg.norm(y - x) < 1e-9:
            break
    values, vectors = np.linalg.eigh(y)
    y = (vectors * np.maximum(values, 1e-4)) @ vectors.T
    scale = np.sqrt(np.diag(y))
    return y / np.outer(scale, scale)


def coarsen_periods(effective: np.ndarray, lift: np.ndarray, weights: np.ndarray, limit: int = PLANNING_PERIODS):
    """(effective, lift, weights) over at most ``limit`` periods: the periods fall into ``limit``
    blocks of consecutive periods, and each unit's live cells in a block are represented by the
    middle one, weighted by their sum. A sample, not a mean, so the spread of the centres (what the
    trajectory contributes to a Pearson) is kept. Windows of up to ``limit`` periods are unchanged."""
    units, periods = weights.shape
    if periods <= limit:
        return effective, lift, weights
    block = np.arange(periods) * limit // periods  # block of each period, `limit` blocks in order
    w = np.asarray(weights, dtype=np.float64)
    picked = np.zeros((units, limit), dtype=np.int64)
    total = np.zeros((units, limit))
    for u in range(units):
        live = np.flatnonzero(w[u] > 0)
        blocks, first, count = np.unique(block[live], return_index=True, return_counts=True)
        picked[u, blocks] = live[first + count // 2]
        total[u] = np.bincount(block[live], weights=w[u, live], minlength=limit)
    rows = np.arange(units)[:, None]
    return effective[rows, picked], np.asarray(lift)[rows, picked], total


def plan_copula(
    connections, metrics: list[MetricPlan], effective, lift, weights, ranges, noise: NoiseVariance, phases=()
) -> tuple[CopulaPlan, tuple[PhasePlan, ...]]:
    """Solve copula correlations (and, where needed, loadings) for the declared connections and
    for each connection phase. ``effective`` and ``lift`` are [units, periods, metrics] fields of
    (pseudo-)entities, ``weights`` [units, periods] how many fact cells each stands for (0 where
    it is not alive) and ``ranges`` [units, metrics, 2] the [low, high] of each unit's segment.
    Each phase is planned on its own periods, the base connections on the
    periods outside every phase (on all periods when the phases cover the window), each with the
    loadings it needs: a phase that must flatten the trajectory to meet a contrary connection
    flattens it over its own periods only (``period_loadings``)."""
    weights = np.asarray(weights, dtype=np.float64)
    outside = np.ones(weights.shape[1], dtype=bool)
    for phase in phases:
        outside[phase.start_period : phase.end_period + 1] = False
    base_weights = weights * outside if phases and outside.any() else weights
    windows = [("connections", connections, base_weights)]
    for k, phase in enumerate(phases):
        within = np.zeros_like(outside)
        within[phase.start_period : phase.end_period + 1] = True
        windows.append((f"connection_phases.{k}.connections", phase.connections, weights * within))
    solvers = [_Window(path, conns, metrics, effective, lift, w, ranges, noise) for path, conns, w in windows]
    base, *planned = [s.solve(s.loadings()) for s in solvers]
    return base, tuple(PhasePlan(p.start_period, p.end_period, c) for p, c in zip(phases, planned))


def period_loadings(base: CopulaPlan, phases: tuple[PhasePlan, ...], periods: int) -> np.ndarray:
    """[periods, M] the trajectory loading of every metric in every period: a phase's own over its
    periods, the base connections' elsewhere."""
    loadings = np.tile(base.loadings, (periods, 1))
    for phase in phases:
        loadings[phase.start : phase.end + 1] = phase.copula.loadings
    return loadings


class _Window:
    """The connections of one span of periods and the moments of the cells in it."""

    def __init__(self, path: str, connections, metrics, effective, lift, weights, ranges, noise: NoiseVariance):
        self.path, self.connections, self.m_count = path, connections, len(metrics)
        if connections and weights.sum() > 0:
            eff, lif, w = coarsen_periods(effective, lift, weights)
            self.moments = _Moments(np.nan_to_num(eff, nan=0.5), lif, ranges, metrics, np.asarray(w, dtype=np.float64).reshape(-1), noise)
            index = {m.name: m.index for m in metrics}
            self.pairs = [(index[c.metric_a], index[c.metric_b], c) for c in connections]

    def loadings(self) -> np.ndarray:
        if not self.connections:
            return np.ones(self.m_count)
        return self._planning(lambda: _water_fill(self.moments, self.pairs, self.m_count))

    def solve(self, loadings: np.ndarray) -> CopulaPlan:
        if not self.connections:
            return CopulaPlan(None, None, (), loadings, False, 0.0)
        return self._planning(lambda: _solve(self.moments, self.pairs, loadings))

    def _planning(self, work):
        try:
            with np.errstate(over="ignore", invalid="ignore"):  # an overflow raises Unplannable, naming the pair
                return work()
        except Unplannable as err:
            i = next(i for i, (a, b, _) in enumerate(self.pairs) if frozenset((a, b)) == err.pair)
            conn = self.connections[i]
            raise ConfigError(
                f"{self.path}.{i}",
                f"{conn.metric_a} ~ {conn.metric_b} cannot be planned: their values overflow "
                "float64 arithmetic; narrow the range (or the distribution parameters) of these metrics",
            ) from None


def _water_fill(moments: _Moments, pairs: list, m_count: int) -> np.ndarray:
    loadings = np.ones(m_count)

    def reachable(a, b, target, load) -> bool:
        # The copula correlation must share the target's sign: "a mirrors b" never means
        # anti-correlated draws hidden under a strong shared trajectory.
        low = moments.pearson(a, b, load, -RHO_LIMIT) + MARGIN if target <= 0 else moments.pearson(a, b, load, 0.0)
        high = moments.pearson(a, b, load, RHO_LIMIT) - MARGIN if target >= 0 else moments.pearson(a, b, load, 0.0)
        return low <= target <= high

    # Water-filling: every round, lower the loading of each metric that sits in a pair still out
    # of reach by the same small step. A metric in several pairs is lowered once per round, not
    # once per pair, so no metric is sacrificed for the others; metrics whose pairs are all
    # reachable keep their loading.
    for _ in range(STEPS):
        short = [(a, b) for a, b, conn in pairs if not reachable(a, b, conn.coefficient, loadings)]
        movable = {m for pair in short for m in pair if loadings[m] > MIN_LOADING}
        if not movable:
            break
        for m in movable:
            loadings[m] = max(loadings[m] * STEP, MIN_LOADING)
    return loadings


def _solve(moments: _Moments, pairs: list, loadings: np.ndarray) -> CopulaPlan:
    m_count = len(loadings)
    planned = np.eye(m_count)
    solved = []
    for a, b, conn in pairs:
        low = moments.pearson(a, b, loadings, -RHO_LIMIT)
        high = moments.pearson(a, b, loadings, RHO_LIMIT)
        target = conn.coefficient
        if target <= low:
            rho = -RHO_LIMIT
        elif target >= high:
            rho = RHO_LIMIT
        else:
            rho = optimize.brentq(lambda r, a=a, b=b, target=target: moments.pearson(a, b, loadings, r) - target, -RHO_LIMIT, RHO_LIMIT, xtol=1e-6)
        planned[a, b] = planned[b, a] = rho
        solved.append((a, b, conn, rho, low + MARGIN / 2 <= target <= high - MARGIN / 2))

    # Undeclared pairs are free: fill them so the matrix is positive definite while declared
    # pairs keep their solved values; only if that is impossible do declared values move.
    declared = np.zeros((m_count, m_count), dtype=bool)
    for a, b, *_ in solved:
        declared[a, b] = declared[b, a] = True
    matrix = planned
    if np.linalg.eigvalsh(planned).min() < 1e-4:
        matrix = nearest_correlation(planned, keep=declared)
    repaired = bool(np.abs(matrix - planned)[declared].max(initial=0.0) > 1e-3)
    records = tuple(
        PairPlan(
            metric_a=conn.metric_a,
            metric_b=conn.metric_b,
            word=conn.word,
            declared=conn.coefficient,
            trajectory_contribution=round(moments.pearson(a, b, loadings, 0.0), 6),
            planned=round(rho, 6),
            copula=round(float(matrix[a, b]), 6),
            delivered=round(moments.pearson(a, b, loadings, float(matrix[a, b])), 6),
            reachable=bool(ok and abs(matrix[a, b] - rho) < 0.05),
        )
        for a, b, conn, rho, ok in solved
    )
    return CopulaPlan(
        matrix=matrix,
        cholesky=np.linalg.cholesky(matrix),
        pairs=records,
        loadings=loadings,
        repaired=repaired,
        repair_max_change=float(np.abs(matrix - planned)[declared].max(initial=0.0)),
    )
