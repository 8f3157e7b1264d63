"""A small run of bench/false_alarms.py: the scaffolded statistical tests, compiled by dbt, pass on
clean data for 20 seeds of the saas, hr, retail, banking and health templates and of the README's
example (seeds 200..219, beyond the 0..199 recorded in docs/dbt.md). The fault proofs are in
test_dbt_demo.py and test_treatment_effect.py."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from dbt_helpers import ROOT

pytestmark = pytest.mark.slow

SEEDS = range(200, 220)
STATISTICAL = {"correlation_near_target", "lag_recovered", "metric_follows_archetype", "archetype_recoverable", "calendar_matches_truth"}


def _bench():
    spec = importlib.util.spec_from_file_location("false_alarms", ROOT / "bench" / "false_alarms.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("config", ["saas", "hr", "retail", "banking", "health", "readme"])
def test_clean_data_passes_every_statistical_test_of_error_severity(config, tmp_path):
    tallies = _bench().sweep(config, SEEDS, tmp_path)
    assert tallies, "no statistical test was scaffolded"
    for name, tally in tallies.items():
        assert tally.seeds == len(SEEDS), name
        if tally.severity == "error":
            assert tally.failures == 0, (name, tally.failed_seeds)
            assert tally.worst_margin is not None and tally.worst_margin >= 0, name
    if config == "saas":  # the template with every kind of statistical test
        assert STATISTICAL <= set(tallies)
    if config == "readme":  # its lag failed for seeds 2 and 42 before (issue 17)
        assert tallies["lag_recovered"].failures == 0
