"""Every distribution family, as realised in the fact table, matches its documented law.

One segment sits on a constant trajectory, so every cell of a metric shares one centre ``c`` that
the plan states exactly (``resolve_plan(cfg).centres``). With no connections and no noise the
cells are independent draws, so the fact column is an i.i.d. sample of size N = entities x periods
from the family's quantile map at ``c``, clamped to the value range.

Tolerances (all follow from N):
* Goodness of fit: values strictly inside the range are compared with the exact law truncated
  to the range by a Kolmogorov-Smirnov test, and the number of cells clamped onto each range end
  is compared with the exact clamped probability by a two-sided binomial test. Each p-value must
  exceed 1e-3. Under the documented law each test wrongly fails with probability 1e-3 (fixed seed,
  so the outcome is reproducible); with N = 12,000 the KS test rejects any law whose CDF differs
  by more than about sqrt(-ln(5e-4) / 2) / sqrt(N) ~= 0.018 anywhere, which is what gives it
  power.
* Power is demonstrated, not assumed: for every family a plausible misreading of the
  documentation (median instead of mean, a 20% different spread, ...) must be REJECTED
  (p < 1e-3) by the same test on the same sample.
* Means (for families documented by their mean): |mean - expected| < 5 * sd / sqrt(N), where sd
  is an upper bound of the cell standard deviation (clamping never increases the variance,
  because clipping is 1-Lipschitz). A 5-sigma band fails wrongly with probability < 6e-7.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest
from scipy import special, stats

import plotsim_dbt as ps
from plotsim_dbt.plan.resolve import resolve_plan

ENTITIES, PERIODS = 4000, 3
N = ENTITIES * PERIODS
LEVEL = 0.3  # plateau position; every centre is lo + span * 0.3
P_MIN = 1e-3

METRICS = [
    # defaults by type
    {"name": "score_default", "type": "score"},
    {"name": "amount_default", "type": "amount", "range": [10, 500]},
    {"name": "index_default", "type": "index", "range": [0, 100]},
    {"name": "count_default", "type": "count"},
    # explicit families and parameters
    {"name": "logit_wide", "distribution": "logitnormal", "params": {"tau": 0.8}, "range": [2, 7]},
    {"name": "normal_clamped", "distribution": "normal", "params": {"sigma": 25.0}, "range": [0, 100]},
    {"name": "lognormal_default", "distribution": "lognormal", "range": [1, 1000]},
    {"name": "lognormal_clamped", "distribution": "lognormal", "params": {"s": 0.8}, "range": [1, 1000]},
    {"name": "beta_default", "distribution": "beta", "range": [0, 1]},
    {"name": "beta_tight", "distribution": "beta", "params": {"concentration": 40.0}, "range": [2, 8]},
    {"name": "gamma_default", "distribution": "gamma", "range": [0, 100]},
    {"name": "gamma_skewed", "distribution": "gamma", "params": {"shape": 1.5}, "range": [0, 200]},
    {"name": "count_wide", "distribution": "poisson", "range": [0, 40]},
    {"name": "weibull_default", "distribution": "weibull", "range": [1, 365]},
]

SESSION_DAYS = {
    "name": "session_days",
    "distribution": "weibull",
    "params": {"shape": 1.5},
    "polarity": "positive",
    "value_range": {"min": 1.0, "max": 365.0},
}


@cache
def _generated(archetype: str, engine_direct: bool):
    metrics = [SESSION_DAYS] if engine_direct else METRICS
    cfg = ps.create(
        about="family fidelity",
        unit="acct",
        window=("2024-01", "2024-03", "monthly"),
        metrics=metrics,
        segments=[{"name": "only", "count": ENTITIES, "archetype": archetype}],
        variation=0,  # every entity follows the archetype, so every cell's centre is the plan's
        seed=20240,
    )
    plan = resolve_plan(cfg)
    fact = ps.generate_tables(cfg)["fct_acct"]
    assert len(fact) == N
    return plan, fact


def sample_and_centre(name: str, archetype: str = f"plateau(level={LEVEL})", engine_direct: bool = False):
    plan, fact = _generated(archetype, engine_direct)
    metric = next(m for m in plan.metrics if m.name == name)
    centres = plan.centres[:, :, metric.index]
    assert np.ptp(centres) == 0.0, "the centre must be constant so the column is one law"
    c = float(centres[0, 0])
    values = fact[name].to_numpy(dtype=np.float64)
    assert not np.isnan(values).any()
    return values, c, metric


def continuous_fit_pvalue(sample: np.ndarray, dist, lo: float, hi: float) -> float:
    """Smallest p-value of: KS of the interior values against ``dist`` truncated to (lo, hi), and
    binomial tests of the counts clamped onto lo and onto hi against dist's mass beyond them."""
    n = sample.size
    f_lo, f_hi = float(dist.cdf(lo)), float(dist.cdf(hi))
    p_values = []
    for observed, expected in ((np.sum(sample <= lo), f_lo), (np.sum(sample >= hi), 1.0 - f_hi)):
        p_values.append(stats.binomtest(int(observed), n, min(max(expected, 0.0), 1.0)).pvalue)
    interior = sample[(sample > lo) & (sample < hi)]
    assert interior.size > n // 2  # most cells are strictly inside the range in every case here

    def truncated_cdf(x):
        return np.clip((dist.cdf(x) - f_lo) / (f_hi - f_lo), 0.0, 1.0)

    p_values.append(stats.kstest(interior, truncated_cdf).pvalue)
    return float(min(p_values))


def clamped_mean(dist, lo: float, hi: float) -> float:
    """E[clip(X, lo, hi)] exactly (by quadrature)."""
    inside = dist.expect(lambda x: x, lb=lo, ub=hi) if np.isfinite(hi) else dist.expect(lambda x: x, lb=lo)
    return float(lo * dist.cdf(lo) + (hi * dist.sf(hi) if np.isfinite(hi) else 0.0) + inside)


def assert_mean(values: np.ndarray, expected: float, sd_bound: float):
    tolerance = 5.0 * sd_bound / math.sqrt(values.size)  # 5 standard errors at this N
    assert abs(values.mean() - expected) < tolerance, (values.mean(), expected, tolerance)


def logitnormal(c: float, tau: float, lo: float, hi: float):
    """Law of lo + span * expit(logit((c - lo) / span) + tau * Z): an affine image of a
    logit-normal, i.e. logit((X - lo) / span) ~ Normal(logit(u), tau)."""
    span = hi - lo
    mu = special.logit((c - lo) / span)

    class _Dist:
        def cdf(self, x):
            unit = np.clip((np.asarray(x, dtype=np.float64) - lo) / span, 0.0, 1.0)
            with np.errstate(divide="ignore"):
                return stats.norm.cdf((special.logit(unit) - mu) / tau)

    return _Dist()


def weibull_median(c: float, shape: float):
    """x = c * (W / ln 2) ** (1 / shape), W ~ Exp(1)  <=>  Weibull(shape, scale = c / ln2**(1/shape))."""
    return stats.weibull_min(shape, scale=c / math.log(2.0) ** (1.0 / shape))


# --------------------------------------------------------------------------------------------
# logitnormal


@pytest.mark.parametrize(
    "name, tau, lo, hi",
    [("score_default", 0.35, 0.0, 1.0), ("amount_default", 0.35, 10.0, 500.0), ("logit_wide", 0.8, 2.0, 7.0)],
)
def test_logitnormal_matches_exact_law_with_median_at_centre(name, tau, lo, hi):
    values, c, metric = sample_and_centre(name)
    assert metric.family == "logitnormal"
    assert c == pytest.approx(lo + (hi - lo) * LEVEL, rel=1e-12)
    assert continuous_fit_pvalue(values, logitnormal(c, tau, lo, hi), lo, hi) > P_MIN
    # median c: the share of cells below c is 1/2 within 5 binomial standard errors (0.5 / sqrt(N)).
    assert abs(np.mean(values < c) - 0.5) < 5 * 0.5 / math.sqrt(N)
    # Power: a 20% different tau, and a normal with the same median and matched spread, are rejected.
    assert continuous_fit_pvalue(values, logitnormal(c, 1.2 * tau, lo, hi), lo, hi) < P_MIN
    assert continuous_fit_pvalue(values, stats.norm(c, values.std()), lo, hi) < P_MIN


# --------------------------------------------------------------------------------------------
# normal


@pytest.mark.parametrize(
    "name, sigma, lo, hi",
    [("index_default", 10.0, 0.0, 100.0), ("normal_clamped", 25.0, 0.0, 100.0)],  # sigma 0 -> span / 10
)
def test_normal_is_centre_plus_sigma_z_clamped(name, sigma, lo, hi):
    values, c, metric = sample_and_centre(name)
    assert metric.family == "normal"
    assert c == pytest.approx(lo + (hi - lo) * LEVEL, rel=1e-12)
    law = stats.norm(c, sigma)
    assert values.min() >= lo and values.max() <= hi
    assert continuous_fit_pvalue(values, law, lo, hi) > P_MIN
    assert_mean(values, clamped_mean(law, lo, hi), sigma)
    # Power: sigma off by 20% is rejected, and so is an unclamped law (no atoms at the range ends)
    # whenever the clamp carries mass.
    assert continuous_fit_pvalue(values, stats.norm(c, 1.2 * sigma), lo, hi) < P_MIN
    if name == "normal_clamped":
        share_at_low = np.mean(values == lo)
        expected = law.cdf(lo)  # ~0.115 of the cells are clamped onto the lower end
        assert abs(share_at_low - expected) < 5 * math.sqrt(expected * (1 - expected) / N)
        assert np.mean(values == hi) > 0  # and some onto the upper end (P ~ 0.0026, ~31 expected)


# --------------------------------------------------------------------------------------------
# lognormal


@pytest.mark.parametrize("name, s", [("lognormal_default", 0.25), ("lognormal_clamped", 0.8)])
def test_lognormal_is_centre_times_exp_s_z(name, s):
    lo, hi = 1.0, 1000.0
    values, c, metric = sample_and_centre(name)
    assert metric.family == "lognormal"
    assert c == pytest.approx(lo + (hi - lo) * LEVEL, rel=1e-12)
    law = stats.lognorm(s, scale=c)  # median c
    assert continuous_fit_pvalue(values, law, lo, hi) > P_MIN
    assert abs(np.mean(values < c) - 0.5) < 5 * 0.5 / math.sqrt(N)
    # Power: the "mean c" reading (scale c * exp(-s^2 / 2)) is rejected.
    assert continuous_fit_pvalue(values, stats.lognorm(s, scale=c * math.exp(-s * s / 2)), lo, hi) < P_MIN
    if name == "lognormal_clamped":
        assert np.sum(values == hi) > 0.5 * N * law.sf(hi)  # ~6.7% clamped onto 1000


# --------------------------------------------------------------------------------------------
# beta


@pytest.mark.parametrize("name, kappa, lo, hi", [("beta_default", 12.0, 0.0, 1.0), ("beta_tight", 40.0, 2.0, 8.0)])
def test_beta_has_mean_at_centre_and_concentration(name, kappa, lo, hi):
    values, c, metric = sample_and_centre(name)
    assert metric.family == "beta"
    span = hi - lo
    u = (c - lo) / span
    assert u == pytest.approx(LEVEL, rel=1e-12)
    law = stats.beta(u * kappa, (1 - u) * kappa, loc=lo, scale=span)
    assert continuous_fit_pvalue(values, law, lo, hi) > P_MIN
    # Mean of (x - lo) / span is u; its sd is sqrt(u (1 - u) / (kappa + 1)).
    assert_mean((values - lo) / span, u, math.sqrt(u * (1 - u) / (kappa + 1)))
    # Power: a concentration off by a third is rejected.
    wrong = stats.beta(u * kappa * 0.67, (1 - u) * kappa * 0.67, loc=lo, scale=span)
    assert continuous_fit_pvalue(values, wrong, lo, hi) < P_MIN


# --------------------------------------------------------------------------------------------
# gamma


@pytest.mark.parametrize("name, shape, lo, hi", [("gamma_default", 4.0, 0.0, 100.0), ("gamma_skewed", 1.5, 0.0, 200.0)])
def test_gamma_has_mean_at_centre(name, shape, lo, hi):
    values, c, metric = sample_and_centre(name)
    assert metric.family == "gamma"
    assert c == pytest.approx(lo + (hi - lo) * LEVEL, rel=1e-12)
    law = stats.gamma(shape, scale=c / shape)  # x = c / shape * Gamma(shape)
    assert continuous_fit_pvalue(values, law, lo, hi) > P_MIN
    assert_mean(values, clamped_mean(law, lo, hi), c / math.sqrt(shape))
    # Power: the "median c" reading is rejected.
    median_law = stats.gamma(shape, scale=c / law.median() * c / shape)
    assert continuous_fit_pvalue(values, median_law, lo, hi) < P_MIN


# --------------------------------------------------------------------------------------------
# poisson


def poisson_fit_pvalue(counts: np.ndarray, mean: float) -> float:
    """Chi-square goodness of fit of integer counts to Poisson(mean): one bin per value, plus a
    lower tail bin (<= L) and an upper tail bin (>= U) chosen so every expected count is at least
    20, where the chi-square approximation is accurate."""
    n = counts.size
    poisson = stats.poisson(mean)
    low = 0
    while n * poisson.cdf(low) < 20:
        low += 1
    high = low + 1
    while n * poisson.sf(high) >= 20:  # sf(high) = P(X >= high + 1)
        high += 1
    # bins: (-inf, low], low+1, ..., high-1, [high, inf)
    observed = [np.sum(counts <= low)] + [np.sum(counts == k) for k in range(low + 1, high)] + [np.sum(counts >= high)]
    expected = [poisson.cdf(low)] + [poisson.pmf(k) for k in range(low + 1, high)] + [poisson.sf(high - 1)]
    expected = n * np.array(expected)
    assert expected.min() >= 20 and expected.sum() == pytest.approx(n)
    return float(stats.chisquare(np.array(observed), expected * (n / expected.sum())).pvalue)


@pytest.mark.parametrize("name, hi", [("count_default", 10.0), ("count_wide", 40.0)])
def test_poisson_has_mean_at_centre(name, hi):
    values, c, metric = sample_and_centre(name)
    assert metric.family == "poisson"
    assert c == pytest.approx(hi * LEVEL, rel=1e-12)
    assert np.all(values == np.round(values)) and values.min() >= 0
    assert poisson_fit_pvalue(values, c) > P_MIN
    assert_mean(values, c, math.sqrt(c))  # Poisson sd = sqrt(mean)
    # Power: a mean 10% off is rejected.
    assert poisson_fit_pvalue(values, 1.1 * c) < P_MIN


def test_poisson_range_is_the_span_of_the_mean_not_an_upper_cap():
    # At position 0.9 the mean is 9 on the default [0, 10]; P(X > 10) = 0.294 under Poisson(9).
    values, c, _ = sample_and_centre("count_default", archetype="plateau(level=0.9)")
    assert c == pytest.approx(9.0, rel=1e-12)
    share_above = np.mean(values > 10)
    expected = stats.poisson.sf(10, c)
    assert abs(share_above - expected) < 5 * math.sqrt(expected * (1 - expected) / N)
    assert poisson_fit_pvalue(values, c) > P_MIN
    assert_mean(values, c, math.sqrt(c))


# --------------------------------------------------------------------------------------------
# weibull


def test_weibull_default_has_median_at_centre():
    lo, hi = 1.0, 365.0
    values, c, metric = sample_and_centre("weibull_default")
    assert metric.family == "weibull" and metric.params["shape"] == 1.5
    assert c == pytest.approx(lo + (hi - lo) * LEVEL, rel=1e-12)
    law = weibull_median(c, 1.5)
    assert continuous_fit_pvalue(values, law, lo, hi) > P_MIN
    assert abs(np.mean(values < c) - 0.5) < 5 * 0.5 / math.sqrt(N)
    # Power: the "mean c" reading (scale c / Gamma(1 + 1 / shape)) is rejected.
    mean_law = stats.weibull_min(1.5, scale=c / math.gamma(1 + 1 / 1.5))
    assert continuous_fit_pvalue(values, mean_law, lo, hi) < P_MIN


def test_weibull_engine_direct_spelling_session_days():
    """The engine-direct spelling (params, value_range {min, max}) on a flat archetype."""
    lo, hi = 1.0, 365.0
    values, c, metric = sample_and_centre("session_days", archetype="flat", engine_direct=True)
    assert (metric.family, metric.params["shape"], metric.low, metric.high) == ("weibull", 1.5, lo, hi)
    assert c == pytest.approx(lo + (hi - lo) * 0.5, rel=1e-12)  # flat = position 0.5 -> 183
    law = weibull_median(c, 1.5)
    assert values.min() >= lo and values.max() <= hi
    assert continuous_fit_pvalue(values, law, lo, hi) > P_MIN
    # About 14% of the cells are clamped onto 365; the binomial test inside the fit checks the
    # exact share, this checks the clamp exists at all.
    assert np.mean(values == hi) > 0.10
    assert abs(np.mean(values < c) - 0.5) < 5 * 0.5 / math.sqrt(N)
    mean_law = stats.weibull_min(1.5, scale=c / math.gamma(1 + 1 / 1.5))
    assert continuous_fit_pvalue(values, mean_law, lo, hi) < P_MIN
    # A different shape is rejected too.
    assert continuous_fit_pvalue(values, weibull_median(c, 2.0), lo, hi) < P_MIN
