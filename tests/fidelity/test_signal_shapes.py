"""Signal shapes: noise families, per-metric and heteroscedastic noise, blended and decaying lags,
and connections that change over phases, each checked on generated tables.

Noise is isolated exactly: a run with noise and the same run without it share every metric draw
(keyed streams per purpose), so their difference is the noise term alone, sigma x scale x a unit
draw of the family. The unit draws are then tested against the family with a Kolmogorov-Smirnov
bound at a 1e-3 false-alarm rate, 1.95 / sqrt(n).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import stats

import plotsim_dbt as ps

KS_1E3 = 1.95  # Kolmogorov-Smirnov critical value x sqrt(n) at alpha = 0.001
LEVELS = (0.2, 0.5, 0.8)  # plateau positions of the three segments
PER_SEGMENT = 400
PERIODS = 12
N = len(LEVELS) * PER_SEGMENT * PERIODS  # cells per metric


def _config(metrics, noise=None, **extra):
    return ps.create(
        about="signal shapes",
        unit="acct",
        window=("2024-01", "2024-12"),
        metrics=metrics,
        segments=[{"name": f"level_{i}", "count": PER_SEGMENT, "archetype": f"plateau(level={level})"} for i, level in enumerate(LEVELS)],
        variation=0.0,
        noise=noise or "clean",
        seed=7,
        **extra,
    )


def _noise_terms(metrics, noise=None, **extra):
    """(fact with noise, fact without noise, truth of the noisy run): the clean run drops every
    metric's own noise too."""
    noisy = _config(metrics, noise, **extra)
    clean = _config([{k: v for k, v in m.items() if k != "noise"} for m in metrics], **extra)
    tables, state = ps.generate_tables_with_state(noisy)
    return tables["fct_acct"], ps.generate_tables(clean)["fct_acct"], state.truth


def _level(fact) -> np.ndarray:
    """The plateau position of each row's entity (segments are in entity order)."""
    return np.array(LEVELS)[(fact["acct_id"].to_numpy() - 1) // PER_SEGMENT]


# A normal metric far inside its range: the noise never reaches the clamp in these tests.
WIDE = {"distribution": "normal", "params": {"sigma": 1.0}, "range": [100, 200]}
SIGMA = 0.01


def _unit_draws(noisy, clean, metric: str) -> np.ndarray:
    value = clean[metric].to_numpy(float)
    return (noisy[metric].to_numpy(float) - value) / (SIGMA * np.abs(value))


FAMILIES = {
    "gaussian": ({"family": "gaussian"}, stats.norm()),
    "laplace": ({"family": "laplace"}, stats.laplace()),
    "student_t": ({"family": "student_t", "degrees_of_freedom": 5}, stats.t(5)),
}


@pytest.mark.parametrize("family", list(FAMILIES))
def test_noise_draws_follow_their_family(family):
    settings, law = FAMILIES[family]
    noisy, clean, _ = _noise_terms([{"name": "m", **WIDE}], {"gaussian_sigma": SIGMA, **settings})
    eps = _unit_draws(noisy, clean, "m")
    assert eps.size == N
    bound = KS_1E3 / math.sqrt(N)
    assert stats.kstest(eps, law.cdf).statistic < bound
    # The check can fail: the same bound rejects the same draws as each other family.
    for other, (_, other_law) in FAMILIES.items():
        if other != family:
            assert stats.kstest(eps, other_law.cdf).statistic > bound, other


@pytest.mark.parametrize("family", list(FAMILIES))
def test_tails_are_as_heavy_as_the_familys(family):
    """The share of draws beyond 4 unit scales is the family's tail probability (normal 6e-5,
    student_t(5) 0.010, laplace 0.018), within 5 binomial standard errors (plus one draw); the
    gaussian's excess kurtosis is 0 within 5 standard errors, sqrt(24 / n) each."""
    settings, law = FAMILIES[family]
    noisy, clean, _ = _noise_terms([{"name": "m", **WIDE}], {"gaussian_sigma": SIGMA, **settings})
    eps = _unit_draws(noisy, clean, "m")
    tail = 2 * law.sf(4.0)
    assert abs(np.mean(np.abs(eps) > 4.0) - tail) < 5 * math.sqrt(tail * (1 - tail) / N) + 1 / N
    if family == "gaussian":
        assert abs(stats.kurtosis(eps)) < 5 * math.sqrt(24 / N)


def test_a_metric_with_its_own_noise_keeps_it_and_the_others_keep_the_configs():
    metrics = [
        {"name": "own", **WIDE, "noise": {"gaussian_sigma": SIGMA, "family": "laplace", "mcar_rate": 0.2}},
        {"name": "shared", **WIDE},
        {"name": "quiet", **WIDE, "noise": "clean"},
    ]
    noisy, clean, truth = _noise_terms(metrics, {"gaussian_sigma": SIGMA})
    bound = KS_1E3 / math.sqrt(N)
    present = noisy["own"].notna().to_numpy()
    assert stats.kstest(_unit_draws(noisy, clean, "own")[present], stats.laplace().cdf).statistic < KS_1E3 / math.sqrt(present.sum())
    assert stats.kstest(_unit_draws(noisy, clean, "shared"), stats.norm().cdf).statistic < bound
    assert (noisy["quiet"].to_numpy() == clean["quiet"].to_numpy()).all()
    # only "own" loses cells: 20% within 5 binomial standard errors
    assert abs((~present).mean() - 0.2) < 5 * math.sqrt(0.2 * 0.8 / N)
    assert noisy["shared"].notna().all() and noisy["quiet"].notna().all()
    rows = {r["metric"]: r for r in truth["truth_metrics"].to_pylist()}
    assert [(rows[m]["noise_family"], rows[m]["noise_sigma"], rows[m]["noise_mcar_rate"]) for m in ("own", "shared", "quiet")] == [
        ("laplace", SIGMA, 0.2),
        ("gaussian", SIGMA, 0.0),
        ("gaussian", 0.0, 0.0),
    ]


def test_heteroscedastic_spread_grows_with_the_position():
    """With scale_with_trajectory the noise sd is sigma x position x span, whatever the value: a
    negative metric (whose value falls as the position rises) spreads more at high positions
    too. The sd of n normal draws has a relative standard error of about 1 / sqrt(2n)."""
    sigma, span = 0.05, 100.0
    metrics = [{"name": "up", **WIDE}, {"name": "down", **WIDE, "polarity": "negative"}]
    noisy, clean, truth = _noise_terms(metrics, {"gaussian_sigma": sigma, "scale_with_trajectory": True})
    level = _level(noisy)
    per_level = PER_SEGMENT * PERIODS
    for metric in ("up", "down"):
        delta = noisy[metric].to_numpy(float) - clean[metric].to_numpy(float)
        spreads = [delta[level == p].std() for p in LEVELS]
        for p, spread in zip(LEVELS, spreads):
            assert abs(spread / (sigma * p * span) - 1) < 5 / math.sqrt(2 * per_level), (metric, p, spread)
        assert spreads[0] < spreads[1] < spreads[2]
    assert truth["truth_noise"].column("scale_with_trajectory").to_pylist() == [True]


def test_without_scale_with_trajectory_the_spread_follows_the_value():
    """Control for the test above: the default noise sd is sigma x |value|, so the negative
    metric spreads most at the lowest position."""
    metrics = [{"name": "down", **WIDE, "polarity": "negative"}]
    noisy, clean, _ = _noise_terms(metrics, {"gaussian_sigma": 0.05})
    level = _level(noisy)
    delta = noisy["down"].to_numpy(float) - clean["down"].to_numpy(float)
    spreads = [delta[level == p].std() for p in LEVELS]
    assert spreads[0] > spreads[1] > spreads[2]


# ---------------------------------------------------------------- lags: decay kernel and blend

STEP = "step(threshold=0.5, before=0.2, after=0.8)"  # the driver jumps by 0.6 once
LAG_ENTITIES = 500


def _lag_run(follower: dict):
    cfg = ps.create(
        about="decay kernel",
        unit="acct",
        window=("2023-01", "2024-12"),
        metrics=[{"name": "driver", **WIDE}, {"name": "follower", **WIDE, "follows": "driver", **follower}],
        segments=[{"name": "all", "count": LAG_ENTITIES, "archetype": STEP}],
        variation=0.0,
        seed=3,
    )
    tables, state = ps.generate_tables_with_state(cfg)
    means = tables["fct_acct"].groupby("date_key")[["driver", "follower"]].mean()
    return means["driver"].to_numpy(), means["follower"].to_numpy(), state.truth["truth_lags"].to_pylist()


def _increments(series: np.ndarray, start: int, count: int) -> np.ndarray:
    return np.diff(series)[start - 1 : start - 1 + count]


@pytest.mark.parametrize(
    "kernel, window, expected",
    [
        ("geometric", 4, [8 / 15, 4 / 15, 2 / 15, 1 / 15]),
        ("linear", 3, [3 / 6, 2 / 6, 1 / 6]),
    ],
)
def test_decay_kernel_shape_is_recovered_from_the_table(kernel, window, expected):
    """After the driver's one jump the follower climbs in steps: the step `delay + s` periods
    later is the kernel's weight s times the jump. Means of 500 entities with sd 1 have a
    standard error of 0.045, so a step of the 60-unit jump is known to about 0.0015 of it."""
    delay = 2
    driver, follower, truth = _lag_run({"delay": delay, "decay_window": window, "decay_kernel": kernel})
    jump_at = int(np.argmax(np.diff(driver))) + 1
    total = driver[-1] - driver[0]
    assert total == pytest.approx(60.0, abs=0.5)
    steps = _increments(follower, jump_at + delay, window) / total
    assert steps == pytest.approx(expected, abs=0.01)
    assert abs(_increments(follower, jump_at, delay).sum()) / total < 0.01  # nothing moves before the delay
    assert abs(follower[-1] - follower[jump_at + delay + window]) / total < 0.01  # and nothing after the window
    (lag,) = truth
    assert (lag["decay_window"], lag["decay_kernel"]) == (window, kernel)
    assert json.loads(lag["kernel_weights"]) == pytest.approx(expected, abs=1e-9)


def test_blend_weight_mixes_the_entitys_own_position_with_the_lagged_driver():
    """blend 0.25: at the jump the follower moves by 0.75 of it (its own position), and `delay`
    periods later by the remaining 0.25 (the driver's)."""
    delay = 3
    driver, follower, truth = _lag_run({"delay": delay, "blend_weight": 0.25})
    jump_at = int(np.argmax(np.diff(driver))) + 1
    total = driver[-1] - driver[0]
    steps = _increments(follower, jump_at, delay + 1) / total
    assert steps == pytest.approx([0.75, 0.0, 0.0, 0.25], abs=0.01)
    assert truth[0]["blend_weight"] == 0.25 and truth[0]["decay_window"] is None


# ---------------------------------------------------------------- connections that change over phases

PHASES = [
    {"start_period": 0, "end_period": 7, "connections": ["a inverts b"]},
    {"start_period": 16, "end_period": 23, "connections": ["a mirrors b"]},
]
BASE = ["a related b"]
TARGETS = {None: 0.40, 0: -0.75, 1: 0.75}
SPANS = {None: range(8, 16), 0: range(0, 8), 1: range(16, 24)}


@pytest.fixture(scope="module")
def phased():
    """A mixed population (growth, decline, a plateau and a seasonal wave; 150 entities each) over
    24 months, with the base connection between two phases of opposite sign."""
    cfg = ps.create(
        about="time-varying connections",
        unit="acct",
        window=("2023-01", "2024-12"),
        metrics=[{"name": "a", "type": "score"}, {"name": "b", "type": "amount", "range": [10, 500]}],
        segments=[
            {"name": "grow", "count": 150, "archetype": "growth"},
            {"name": "fall", "count": 150, "archetype": "decline"},
            {"name": "flat", "count": 150, "archetype": "plateau(level=0.6)"},
            {"name": "wave", "count": 150, "archetype": "seasonal"},
        ],
        connections=BASE,
        connection_phases=PHASES,
        seed=11,
    )
    tables, state = ps.generate_tables_with_state(cfg)
    fact = tables["fct_acct"].merge(tables["dim_date"][["date_key", "period_index"]], on="date_key")
    return fact, state.truth["truth_correlations"].to_pylist(), state.truth["truth_centres"].to_pandas()


def _realised(fact, phase) -> float:
    rows = fact[fact["period_index"].isin(SPANS[phase])]
    return float(np.corrcoef(rows["a"].to_numpy(float), rows["b"].to_numpy(float))[0, 1])


@pytest.mark.parametrize("phase", list(TARGETS))
def test_realised_correlation_per_phase_is_within_010_of_its_target(phased, phase):
    """600 entities x 8 periods = 4,800 cells per span: the Pearson r has a sampling sd of at most
    1 / sqrt(4800) = 0.014, so 0.10 is 7 standard deviations."""
    fact, truth, _ = phased
    realised = _realised(fact, phase)
    assert abs(realised - TARGETS[phase]) <= 0.10, (phase, realised)
    (row,) = [r for r in truth if r["phase"] == phase]
    assert abs(row["delivered"] - realised) <= 0.10 and row["reachable"]
    assert row["declared"] == TARGETS[phase]
    if phase is not None:
        assert (row["start_period"], row["end_period"]) == (SPANS[phase][0], SPANS[phase][-1])


def test_the_phases_are_really_different(phased):
    """Control: one table-wide copula could not give both signs; the realised values are apart by
    far more than their sampling error."""
    fact, *_ = phased
    assert _realised(fact, 0) < -0.5 and _realised(fact, 1) > 0.5


def test_a_phase_flattens_the_trajectory_over_its_own_periods_only(phased):
    """Phase 0 (a inverts b, two metrics that rise together) needs the trajectory's loading cut
    hard; the other spans keep the higher loadings their own connections allow, so growth and
    decline stay apart there. Checked on the data: per span, the gap between the growth and
    decline segments' mean of b follows the planned centres (150 x 8 cells a segment: the gap's
    sampling sd is under 3% of it), so the base span's gap is its loading's share larger than
    phase 0's rule would give."""
    fact, _, centres = phased
    loading = centres[centres["metric"] == "b"].groupby("period_index")["trajectory_loading"].first()
    span = {k: set(loading[list(periods)]) for k, periods in SPANS.items()}
    assert all(len(values) == 1 for values in span.values()), span
    flat, base, mirrored = (next(iter(span[k])) for k in (0, None, 1))
    assert flat < 0.5 * base and flat < 0.5 * mirrored

    segments = fact.merge(centres[["period_index"]].drop_duplicates(), on="period_index")
    acct_segment = {i + 1: s for i, s in enumerate(np.repeat(["grow", "fall", "flat", "wave"], 150))}
    segments = segments.assign(segment=segments["acct_id"].map(acct_segment))

    def gap(frame, column) -> float:
        rows = frame[frame["period_index"].isin(SPANS[None])]
        means = rows.groupby("segment")[column].mean()
        return float(means["grow"] - means["fall"])

    planned = gap(centres[centres["metric"] == "b"], "centre")
    assert gap(segments, "b") == pytest.approx(planned, rel=0.15)
    assert planned > 0 and planned * flat / base < 0.5 * gap(segments, "b")


def test_planner_accounts_for_heteroscedastic_noise():
    """Noise that scales with the trajectory dilutes a correlation; the planner adds its variance
    (sigma x position x span squared) so the table still lands on the target."""
    cfg = ps.create(
        about="planner and heteroscedastic noise",
        unit="acct",
        window=("2024-01", "2024-12"),
        metrics=[
            {"name": "a", "type": "score"},
            {"name": "b", "type": "amount", "range": [10, 500], "noise": {"gaussian_sigma": 0.15, "scale_with_trajectory": True}},
        ],
        segments=[{"name": "grow", "count": 300, "archetype": "growth"}, {"name": "fall", "count": 300, "archetype": "decline"}],
        connections=["a hints_against b"],
        seed=5,
    )
    tables, state = ps.generate_tables_with_state(cfg)
    fact = tables["fct_acct"]
    realised = float(np.corrcoef(fact["a"].to_numpy(float), fact["b"].to_numpy(float))[0, 1])
    (row,) = state.truth["truth_correlations"].to_pylist()
    assert abs(realised + 0.20) <= 0.10 and abs(row["delivered"] - realised) <= 0.10
    # the planner had to push the copula past the target to make up for the noise
    assert row["copula"] < -0.20
