"""Seed 002 (ML training data & evaluation): every code block runs as a script under
docs/examples/seed002 (module renamed, CLI plotsim-dbt) and the claims it prints hold.

Seeds are fixed in the scripts. Statistical tolerances come from the sample sizes the scripts
print: a Pearson r over n independent cells has standard error (1 - r^2) / sqrt(n); a Spearman
correlation under no association has standard error 1 / sqrt(n - 1); an accuracy over n test
entities has binomial standard error sqrt(p (1 - p) / n). Claims are checked at 5 standard errors.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "seed002"
Z = 5.0


def _env() -> dict:
    return {
        **os.environ,
        "MPLBACKEND": "Agg",
        "PYTHONPATH": os.pathsep.join([str(EXAMPLES), os.environ.get("PYTHONPATH", "")]),
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }


def run_example(name: str, cwd: Path) -> str:
    script = EXAMPLES / name
    command = ["bash", str(script)] if script.suffix == ".sh" else [sys.executable, str(script)]
    done = subprocess.run(command, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


def grab(pattern: str, out: str, cast=float):
    match = re.search(pattern, out, re.M)
    assert match, f"{pattern!r} not in output:\n{out}"
    return cast(match.group(1)) if match.lastindex == 1 else tuple(cast(g) for g in match.groups())


def test_entity_features_table_and_the_documented_drop(tmp_path):
    out = run_example("b01_entity_features.py", tmp_path)
    assert "entity_features set: True" in out
    rows, companies = grab(r"features rows: (\d+) \(companies: (\d+) with a training month", out, int)
    assert rows == companies and 500 < rows <= 600  # a company signing up in the holdout months is unknown at training time
    # 7 metrics, the holdout target churn_risk left out: 6 x 6 aggregate columns.
    assert grab(r"X shape: (\d+) x (\d+)", out, int) == (rows, 36)
    counts = dict(re.findall(r"^metric (\w+): (\d) aggregate columns", out, re.M))
    assert counts == {
        "engagement": "6",
        "feature_adoption": "6",
        "mrr": "6",
        "nps": "6",
        "support_tickets": "6",
        "churn_risk": "0",
        "expansion_revenue": "6",
    }
    assert "label columns left in X: []" in out and "non-numeric columns in X: []" in out
    assert "archetypes in y: 6" in out
    assert "final_trajectory_position within [0, 1]: True" in out


def test_holdout_files_cutoff_and_no_leakage(tmp_path):
    out = run_example("b02_holdout.py", tmp_path)
    assert grab(r"^cutoff_period_index: (\d+)", out, int) == 24 - 6
    assert "'cutoff_period_index': 18, 'holdout_periods': 6, 'target_metric': 'churn_risk'" in out
    assert "train periods: 0..17 (18), holdout periods: 18..23 (6)" in out
    assert "train rows + holdout rows = fact rows: True" in out
    assert "target feature columns in _entity_features.csv: 0" in out
    assert "other metrics' feature columns: 12" in out
    assert "engagement_last equals the value at period 17: True" in out
    assert grab(r"max engagement_peak_period: (\d+)", out, int) < 18


def test_lag_peak_equals_delay_and_cycles_are_rejected(tmp_path):
    out = run_example("b03_lag.py", tmp_path)
    assert "{'driver': 'engagement', 'follower': 'support_tickets', 'delay': 2}" in out
    assert grab(r"k=([+-]\d+), r=", out, int) == 2
    assert "peak lag equals delay: True" in out
    assert "cycle rejected: True" in out


def test_custom_correlations_three_forms_delivered_and_realised(tmp_path):
    out = run_example("b04_custom_correlation.py", tmp_path)
    forms = re.findall(r"^form (\w+)\s+-> engagement ~ mrr: coefficient (\S+)$", out, re.M)
    assert forms == [("string", "0.42"), ("list", "0.42"), ("mapping", "0.42")]
    n = grab(r"^cells: (\d+)", out, int)
    pairs = re.findall(r"^pair (\S+): declared (\S+) delivered (\S+) realised (\S+) reachable (\w+)$", out, re.M)
    assert [p[0] for p in pairs] == ["engagement~mrr", "nps~churn_risk", "seats~logins"]
    for name, declared, delivered, realised, reachable in pairs:
        declared, delivered, realised = float(declared), float(delivered), float(realised)
        assert reachable == "True" and abs(delivered - declared) <= 1e-3, name
        se = (1 - delivered**2) / math.sqrt(n)
        assert abs(realised - delivered) <= Z * se, (name, realised, delivered, Z * se)
    assert [float(p[1]) for p in pairs] == [0.42, -0.30, 0.65]
    assert "correlation_repair: {'repaired': False, 'max_change': 0.0}" in out
    assert "non-PSD set repaired: True" in out


def test_weibull_engine_direct_yaml(tmp_path):
    out = run_example("b05_weibull.py", tmp_path)
    assert "family: weibull, params: {'shape': 1.5}, range: [1.0, 365.0]" in out
    assert "inside [1, 365]: True" in out
    low, high = grab(r"min (\S+), max (\S+),", out)
    assert 1.0 <= low and high <= 365.0
    first, last = grab(r"median days: first period (\S+), last period (\S+)", out)
    assert last > first + 100  # a growth archetype lengthens the time to event
    first90, last90 = grab(r"90th percentile days: first period (\S+), last period (\S+)", out)
    assert last90 > first90
    assert grab(r"spearman\(period, median\): (\S+)", out) > 0.9


def test_scd2_facts_join_the_active_version_and_events_are_recorded(tmp_path):
    out = run_example("b06_scd2.py", tmp_path)
    versions, companies = grab(r"dim_company: (\d+) versions of (\d+) companies", out, int)
    assert companies == 600 and versions > companies
    assert "'dim_row_id'" in grab(r"fct_revenue columns: (.*)$", out, str)
    joined, total = grab(r"fact rows joined: (\d+) of (\d+)", out, int)
    assert joined == total  # one row per company and month it exists: arrival to churn
    assert 600 * 12 < total < 600 * 24
    assert "same company: True" in out
    assert grab(r"version active at the fact's period: (\d+) of", out, int) == total
    tiers = [float(v) for v in re.findall(r"^tier \w+: mean mrr (\S+)$", out, re.M)]
    assert len(tiers) >= 2 and tiers == sorted(tiers)  # higher tiers in force where MRR is higher
    events, diff, tier_moves, other_moves = grab(
        r"scd_events: (\d+); versions - companies = (\d+) = tier changes (\d+) \+ stage or status changes (\d+)", out, int
    )
    assert events == tier_moves > 0 and diff == versions - companies == tier_moves + other_moves
    assert grab(r"events matching dim_company versions: (\d+) of", out, int) == events
    assert "upgrades only (monotonic ladder): True" in out


def test_bridge_associations_and_engagement_driven_cardinality(tmp_path):
    out = run_example("b07_bridges.py", tmp_path)
    assert grab(r"bridge_associations: (\d+) records", out, int) == 600
    assert grab(r"records matching the bridge table: (\d+) of", out, int) == 600
    rows, total = grab(r"bridge rows (\d+) = sum of cardinality (\d+)", out, int)
    assert rows == total
    low, high = grab(r"links per company: min (\d+), max (\d+)", out, int)
    assert 1 <= low <= high <= 8
    quartiles = [float(v) for v in re.findall(r"^engagement Q\d: mean links (\S+)$", out, re.M)]
    assert len(quartiles) == 4 and quartiles[3] > quartiles[0] and quartiles == sorted(quartiles)
    rho, n = grab(r"spearman\(mean engagement, links\): (\S+) \(n=(\d+)\)", out)
    assert rho > Z / math.sqrt(n - 1)


def test_seasonality_lifts_the_sensitive_metric_only(tmp_path):
    out = run_example("b08_seasonality.py", tmp_path)
    assert "YAML block and create() give the same config: True" in out
    q4 = grab(r"^Q4 \(11, 12\): mrr x(\S+), support_tickets x(\S+)$", out)
    summer = grab(r"^summer \(6, 7, 8\): mrr x(\S+), support_tickets x(\S+)$", out)
    other = grab(r"^other months: mrr x(\S+), support_tickets x(\S+)$", out)
    # The same seed draws the same numbers, so the ratio to the unseasoned run is the centre's lift.
    assert abs(q4[0] - 1.30) <= 0.03 and abs(summer[0] - 0.90) <= 0.03
    assert other == (1.0, 1.0)
    assert q4[1] == summer[1] == 1.0  # seasonal_sensitivity 0: immune
    assert "support_tickets cells identical with and without seasonality: True" in out
    assert grab(r"mrr Q4 mean / other-month mean: (\S+)", out) > 1.2
    assert "manifest seasonal_sensitivity: mrr=1.0, support_tickets=0.0" in out
    assert "11:+0.30, 12:+0.30" in out and "6:-0.10, 7:-0.10, 8:-0.10" in out


def test_ground_truth_from_manifest(tmp_path):
    out = run_example("b09_manifest_ground_truth.py", tmp_path)
    assert "labels: 600 entities, 6 archetypes; trajectory_sample_rate 1.0" in out
    assert re.search(r"positions: \d+ cells; one per month each entity exists \(sign-up to churn\): True", out)
    assert "example label is its segment's archetype: True" in out
    agree, rows = grab(r"feature-table archetype equals manifest label: (\d+) of (\d+)", out, int)
    assert agree == rows > 500
    gap = float(re.search(r"positions follow their segment's archetype \(mean gap ([0-9.]+)", out).group(1))
    assert 0.0 < gap < 0.15, gap  # each entity strays from its archetype, a little
    assert "final_trajectory_position equals the position at each company's last training period: True" in out


def test_trace_metric_cell_realised_equals_table(tmp_path):
    out = run_example("b10_trace_metric_cell.py", tmp_path)
    five = [float(v) for v in out.splitlines()[0].split()]
    assert len(five) == 5 and 0.0 <= five[0] <= 1.0 and 10 <= five[1] <= 5000
    table_value = grab(r"table value (\S+), equal", out)
    assert five[4] == table_value
    assert "equal: True" in out
    assert "entity promising_client_0001 (dim_client id 2, trace id 2), period 8, date_key 20240901" in out
    assert "trajectory_position equals the manifest's sample for promising_client_0001 at period 8: True" in out


def test_ml_ready_recipe_classifier_and_forecast(tmp_path):
    shell = run_example("b11_ml_ready.sh", tmp_path)
    assert "entity_features: true" in shell and "holdout: {target: churn_risk, periods: 4}" in shell
    assert "Validation: VALID - 0 error(s)" in shell
    out = run_example("b12_ml_ready_models.py", tmp_path)
    assert "holdout target churn_risk, cutoff_period_index 20" in out
    assert "manifest labels equal the feature-table archetype column: True" in out
    assert "target columns in X: []" in out
    classes, n_test = grab(r"classes: (\d+), test entities: (\d+)", out, int)
    majority = grab(r"majority-class baseline: (\S+)", out)
    accuracy = grab(r"^accuracy: (\S+)", out)
    f1 = grab(r"^macro F1: (\S+)", out)
    se = math.sqrt(majority * (1 - majority) / n_test)
    # entities of a segment stray from its archetype (variation) and arrive over the window, so the
    # classes overlap: well above the baseline, not perfect
    assert classes == 6 and accuracy >= majority + Z * se and f1 >= majority + Z * se, out
    assert "train periods 0..19, holdout periods 20..23" in out
    cells, rows = grab(r"forecast cells: (\d+) = holdout rows (\d+)", out, int)
    assert cells == rows and 0 < rows < 600 * 4  # churned companies have no holdout months
    mae = grab(r"linear-regression holdout MAE: (\S+)", out)
    std = grab(r"holdout churn_risk std: (\S+)", out)
    assert 0 < mae < std  # the per-company trend forecasts better than the spread of the target
