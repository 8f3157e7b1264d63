"""Archetype words, the composition grammar and curve calls, as trajectories over the periods."""

from __future__ import annotations

import numpy as np
import pytest

from plotsim_dbt.plan.archetypes import parse_archetype, trajectory
from plotsim_dbt.plan.curves import CURVES, evaluate

WORDS = ["growth", "decline", "flat", "seasonal", "spike_then_crash", "accelerating"]


def path(spec: str, periods: int) -> np.ndarray:
    return trajectory(parse_archetype(spec, periods))


def local_maxima(values: np.ndarray) -> int:
    return int(np.sum((values[1:-1] > values[:-2]) & (values[1:-1] > values[2:])))


def local_minima(values: np.ndarray) -> int:
    return int(np.sum((values[1:-1] < values[:-2]) & (values[1:-1] < values[2:])))


@pytest.mark.parametrize("periods", [1, 2, 12, 24])
@pytest.mark.parametrize("word", WORDS)
def test_every_word_has_one_value_per_period_in_unit_interval(word, periods):
    values = path(word, periods)
    assert values.shape == (periods,)
    assert np.all(np.isfinite(values))
    assert np.all((values >= 0.0) & (values <= 1.0))


@pytest.mark.parametrize("periods", [2, 12, 24])
def test_growth_rises_from_start_to_end(periods):
    values = path("growth", periods)
    assert np.all(np.diff(values) > 0)
    assert values[0] == pytest.approx(0.0, abs=1e-9) and values[-1] == pytest.approx(1.0)


@pytest.mark.parametrize("periods", [2, 12, 24])
def test_decline_falls(periods):
    values = path("decline", periods)
    assert np.all(np.diff(values) < 0)
    assert values[0] - values[-1] > 0.5


@pytest.mark.parametrize("periods", [1, 2, 12, 24])
def test_flat_is_constant(periods):
    values = path("flat", periods)
    assert np.ptp(values) == 0.0
    assert 0.0 < values[0] < 1.0


@pytest.mark.parametrize("periods", [12, 24])
def test_seasonal_oscillates_with_two_cycles(periods):
    values = path("seasonal", periods)
    assert local_maxima(values) == 2
    assert local_minima(values) == 2
    assert np.ptp(values) > 0.5
    # Symmetric around its centre: ends where it started.
    assert values[0] == pytest.approx(values[-1])
    assert values.mean() == pytest.approx(values[0], abs=0.05)


@pytest.mark.parametrize("periods", [12, 24])
def test_spike_then_crash_peaks_early_then_settles_low(periods):
    values = path("spike_then_crash", periods)
    peak = int(np.argmax(values))
    assert peak < periods / 2
    assert values[peak] > 0.9
    tail = values[-periods // 3 :]
    assert np.ptp(tail) < 1e-9, "settles: the last third is flat"
    assert tail[0] < 0.35 and tail[0] < values[peak] - 0.5
    assert values[0] < values[peak], "it rises to the spike, not starts there"


@pytest.mark.parametrize("periods", [12, 24])
def test_accelerating_is_convex_and_rising(periods):
    values = path("accelerating", periods)
    steps = np.diff(values)
    assert np.all(steps > 0)
    assert np.all(np.diff(steps) > 0), "each step is bigger than the last"
    half = periods // 2
    assert values[half] - values[0] < values[-1] - values[half]


def test_words_are_distinct_shapes():
    paths = {w: tuple(np.round(path(w, 12), 6)) for w in WORDS}
    assert len(set(paths.values())) == len(WORDS)


# ---------------------------------------------------------------- composition


def test_growth_then_decline_switches_at_period_six():
    phases = parse_archetype("growth > decline @ 6", 12)
    assert [(p.start, p.stop) for p in phases] == [(0, 6), (6, 12)]
    values = trajectory(phases)
    assert values.shape == (12,)
    assert np.all(np.diff(values[:6]) > 0), "first six periods rise"
    assert np.all(np.diff(values[6:]) < 0), "from period 6 on it falls"
    assert int(np.argmax(values)) in (5, 6)
    assert values[0] < 0.1 and values[-1] < values[6] - 0.5


def test_composition_tolerates_spacing():
    assert np.array_equal(path("  growth>decline@6 ", 12), path("growth > decline @ 6", 12))


def test_three_phase_composition():
    phases = parse_archetype("growth > flat > decline @ 4 @ 8", 12)
    assert [(p.start, p.stop) for p in phases] == [(0, 4), (4, 8), (8, 12)]
    values = trajectory(phases)
    assert np.all(np.diff(values[:4]) > 0)
    assert np.ptp(values[4:8]) == 0.0
    assert np.all(np.diff(values[8:]) < 0)
    assert np.all((values >= 0) & (values <= 1))


def test_composition_phases_reuse_the_word_shapes():
    values = path("decline > growth @ 12", 24)
    assert np.allclose(values[:12], path("decline", 12))
    assert np.allclose(values[12:], path("growth", 12))


def test_single_period_phase_is_allowed():
    values = path("growth > flat @ 11", 12)
    assert values.shape == (12,) and np.all((values >= 0) & (values <= 1))
    assert np.all(np.diff(values[:11]) > 0)


@pytest.mark.parametrize(
    "spec",
    [
        "boom",
        "growth > decline",
        "growth > decline @ 12",
        "growth > decline > flat @ 6 @ 4",
        "sigmoid(speed=3)",
        "sigmoid(direction=up)",
        "growth > decline @ x",
        "growth @ 3",
    ],
)
def test_bad_specs_raise_value_error(spec):
    with pytest.raises(ValueError):
        parse_archetype(spec, 12)


# ---------------------------------------------------------------- curve calls


def test_plateau_with_level_is_constant_at_that_level():
    assert np.allclose(path("plateau(level=0.3)", 12), 0.3)


def test_sigmoid_falling():
    values = path("sigmoid(direction=falling)", 12)
    assert np.all(np.diff(values) < 0)
    assert values[0] == pytest.approx(1.0) and values[-1] == pytest.approx(0.0, abs=1e-9)


def test_sigmoid_with_several_params():
    values = path("sigmoid(midpoint=0.3, steepness=8, low=0.2, high=0.6)", 24)
    assert np.all(np.diff(values) > 0)
    assert values[0] == pytest.approx(0.2) and values[-1] == pytest.approx(0.6)


def test_step_curve_call():
    values = path("step(threshold=0.5, before=0.8, after=0.2)", 10)
    assert np.allclose(values[:5], 0.8) and np.allclose(values[5:], 0.2)


def test_empty_curve_call_uses_defaults():
    assert np.allclose(path("plateau()", 6), 0.5)


@pytest.mark.parametrize("name", sorted(CURVES))
def test_every_curve_stays_in_unit_interval(name):
    u = np.linspace(0.0, 1.0, 201)
    values = evaluate(name, u, {})
    assert values.shape == u.shape
    assert np.all(np.isfinite(values))
    assert np.all((values >= 0.0) & (values <= 1.0))
    via_spec = path(f"{name}()", 24)
    assert np.all(np.isfinite(via_spec)) and np.all((via_spec >= 0.0) & (via_spec <= 1.0))


@pytest.mark.parametrize(
    "spec",
    ["logistic(ceiling=3)", "oscillating(amplitude=2)", "step(before=5, after=-2)", "sawtooth(amplitude=4)"],
)
def test_out_of_range_curve_params_are_clamped_to_unit_interval(spec):
    values = path(spec, 24)
    assert np.all((values >= 0.0) & (values <= 1.0))
    assert values.max() == 1.0 or values.min() == 0.0


@pytest.mark.parametrize("spec", ["sigmoid(steepness=0)", "compound(rate=0)", "logistic(k=0)"])
def test_degenerate_curve_params_are_rejected_or_stay_finite(spec):
    # A spec the grammar accepts must give a usable trajectory; otherwise every cell becomes NaN.
    try:
        phases = parse_archetype(spec, 12)
    except ValueError:
        return
    values = trajectory(phases)
    assert np.all(np.isfinite(values)), f"{spec!r} is accepted but its trajectory is {values}"
    assert np.all((values >= 0.0) & (values <= 1.0))
