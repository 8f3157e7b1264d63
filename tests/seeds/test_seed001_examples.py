"""Seed 001's seven use cases run unchanged (module renamed) and their printed claims hold."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "seed001"


def run_example(name: str, tmp_path: Path) -> str:
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": os.pathsep.join([str(EXAMPLES), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py")], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_section1_lag_shows_as_shifted_cross_correlation_peak(tmp_path):
    out = run_example("s1_controlled_experiment", tmp_path)
    assert re.search(r"no lag: peak cross-corr at lag \+0 period", out), out
    assert re.search(r"delay=3: peak cross-corr at lag \+3 period", out), out


def test_section2_mean_and_delta_separate_growth_from_decline(tmp_path):
    out = run_example("s2_feature_validation", tmp_path)
    rows = {m.group(1): (float(m.group(2)), float(m.group(3))) for m in re.finditer(r"^(growth|decline)\s+(\S+)\s+(\S+)$", out, re.M)}
    assert rows["growth"][1] > 0.5 and rows["decline"][1] < -0.5, out
    assert rows["growth"][0] > rows["decline"][0], out


def test_section3_holdout_has_20_train_and_4_holdout_periods(tmp_path):
    out = run_example("s3_holdout", tmp_path)
    assert "Train periods: 20, holdout periods: 4" in out
    mae = float(re.search(r"Holdout MAE: (\S+)", out).group(1))
    assert 0 < mae < 0.5


def test_section4_kmeans_recovers_archetypes(tmp_path):
    out = run_example("s4_cluster_recovery", tmp_path)
    ari = float(re.search(r"Adjusted Rand Index: (\S+)", out).group(1))
    assert ari >= 0.9, out


def test_section5_every_word_within_010_and_in_order(tmp_path):
    out = run_example("s5_correlation_stress", tmp_path)
    rows = re.findall(r"^\d+\s+(\w+)\s+(-?[\d.]+)\s+(-?[\d.]+)$", out, re.M)
    assert len(rows) == 5, out
    for word, target, realized in rows:
        assert abs(float(realized) - float(target)) <= 0.10, (word, target, realized)
    ranks = re.findall(r"^(\w+)\s+(\d)\s+(\d)$", out, re.M)
    assert len(ranks) == 5 and all(t == r for _, t, r in ranks), out


def test_section6_seasonality_keeps_most_of_the_accuracy(tmp_path):
    out = run_example("s6_seasonal_confound", tmp_path)
    without = float(re.search(r"F1 without seasonality: (\S+)", out).group(1))
    with_season = float(re.search(r"F1 with seasonality: (\S+)", out).group(1))
    assert without >= 0.9 and with_season >= without - 0.1, out


@pytest.mark.slow
def test_section7_accuracy_plateaus_with_sample_size(tmp_path):
    out = run_example("s7_sample_size", tmp_path)
    f1 = {int(n): float(v) for n, v in re.findall(r"n=(\d+): F1=(\S+)", out)}
    assert sorted(f1) == [10, 25, 50, 100], out
    assert f1[50] >= 0.9 and f1[100] >= 0.9, out


def test_difficulty_falls_as_variation_rises_and_the_default_keeps_the_claims(tmp_path):
    out = run_example("difficulty_curve", tmp_path)
    rows = [tuple(float(v) for v in line.split()) for line in out.splitlines()[1:]]
    assert [r[0] for r in rows] == [0.0, 0.3, 0.5, 0.75, 1.0], out
    for column in (1, 2, 3):
        values = [r[column] for r in rows]
        assert all(b <= a + 1e-9 for a, b in zip(values, values[1:])), (column, values)
    ari = {r[0]: r[1] for r in rows}
    assert ari[0.3] >= 0.9, "the default variation keeps section 4's claim"
    assert ari[1.0] < 0.6, "high variation makes the segments overlap"
