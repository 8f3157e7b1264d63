"""Seed 000's code blocks (latent_calendar -> plotsim_dbt.calendar) run unchanged and their
printed claims hold: shapes, row sums, segment sizes, mixture priors, concentration effects."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "seed000"


def run_example(name: str, tmp_path: Path) -> str:
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": os.pathsep.join([str(EXAMPLES), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py")], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def listed(out: str, label: str):
    return ast.literal_eval(re.search(rf"^{re.escape(label)}: (.*)$", out, re.M).group(1))


def test_every_block_has_a_script_and_none_mentions_latent_calendar():
    scripts = sorted(p.name for p in EXAMPLES.glob("b*.py"))
    assert len(scripts) == 12, scripts
    for p in EXAMPLES.glob("*.py"):
        assert not re.search(r"(from|import) latent_calendar", p.read_text()), p


def test_fitting_a_model(tmp_path):
    out = run_example("b01_fitting_a_model", tmp_path)
    assert listed(out, "df shape") == (50, 168)
    assert listed(out, "components shape") == (5, 168)
    assert listed(out, "normalized row sums") == [1.0] * 5


def test_creating_a_sampler(tmp_path):
    out = run_example("b02_creating_a_sampler", tmp_path)
    assert "n_components=5, random_state=42" in out


def test_single_user_sums_to_10(tmp_path):
    out = run_example("b03_sampling_a_single_user", tmp_path)
    assert listed(out, "weights shape") == (1, 5)
    assert listed(out, "events shape") == (1, 168)
    assert listed(out, "row sums") == [10]
    assert re.search(r"^0\s+10$", out, re.M), out  # the seed's own print


def test_multiple_users_row_sums(tmp_path):
    out = run_example("b04_sampling_multiple_users", tmp_path)
    assert listed(out, "weights shape") == (3, 5)
    assert listed(out, "events shape") == (3, 168)
    assert listed(out, "row sums") == [10, 5, 20]
    assert listed(out, "weight sums") == [1.0, 1.0, 1.0]


def test_convenience_function(tmp_path):
    out = run_example("b05_convenience_function", tmp_path)
    assert listed(out, "events shape") == (3, 168)
    assert listed(out, "row sums") == [10, 5, 20]
    assert "same as create_sampler(42).sample: True" in out


def test_summarizing_by_segment(tmp_path):
    out = run_example("b06_summarizing_by_segment", tmp_path)
    assert "segment slots: Mornings=35 Evenings=35" in out
    assert listed(out, "counts shape") == (3, 2)
    assert "counts within totals: True" in out and "matches hand computation: True" in out


def test_mock_model(tmp_path):
    out = run_example("b07_mock_model", tmp_path)
    assert listed(out, "segment slots") == 15
    assert listed(out, "weights") == [1.0, 1.0, 1.0]
    assert listed(out, "row sums") == [20, 30, 15]
    assert listed(out, "events outside the segment") == 0


def test_multiple_segments(tmp_path):
    out = run_example("b08_multiple_segments", tmp_path)
    sizes = {m.group(1): int(m.group(2)) for m in re.finditer(r"^segment (\w+): (\d+) slots$", out, re.M)}
    assert sizes == {"Mornings": 15, "Afternoons": 35, "Evenings": 20, "Weekends": 8}
    assert (tmp_path / "defined_segments.png").stat().st_size > 0


def test_model_components(tmp_path):
    out = run_example("b09_model_components", tmp_path)
    assert listed(out, "n_components") == 4
    dist = listed(out, "component distribution")
    assert dist == pytest.approx([15 / 78, 35 / 78, 20 / 78, 8 / 78], abs=1e-4)
    assert (tmp_path / "model_components.png").stat().st_size > 0


def test_sampled_events(tmp_path):
    out = run_example("b10_sampled_events", tmp_path)
    assert listed(out, "weights shape") == (6, 4)
    assert listed(out, "events shape") == (6, 168)
    assert listed(out, "row sums") == [10, 20, 15, 25, 30, 18]
    assert listed(out, "events outside all segments") == 0
    assert (tmp_path / "sampled_events.png").stat().st_size > 0


def test_weights(tmp_path):
    out = run_example("b11_weights", tmp_path)
    assert listed(out, "weighted distribution") == pytest.approx([45 / 151, 70 / 151, 20 / 151, 16 / 151], abs=1e-4)
    assert "slot distributions unchanged: True" in out


def test_concentration_scale(tmp_path):
    out = run_example("b12_concentration_scale", tmp_path)
    ratio = float(re.search(r"variance ratio scale 5 / scale 1: (\S+)", out).group(1))
    assert 1.15 < ratio < 1.45, out  # theory: 1.30 for total concentration 1
    v = {m.group(1): float(m.group(2)) for m in re.finditer(r"^(\S+): total weight variance ([\d.]+)", out, re.M)}
    assert v["concentration=50"] < v["scale=1.0"] / 10
