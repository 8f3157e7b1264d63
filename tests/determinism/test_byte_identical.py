"""Same config + seed -> byte-identical files, across processes, working directories, worker
counts and batch sizes; a different seed changes the data."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from plotsim_dbt import Config, create, run

CONFIG = """
about: determinism check
unit: account
window: ["2024-01", "2024-12"]
seed: 11
metrics:
  - {name: engagement, type: score}
  - {name: spend, type: amount, range: [10, 500]}
  - {name: tickets, type: count, polarity: negative, follows: engagement, delay: 2}
connections: ["engagement driven_by spend"]
segments:
  - {name: growers, count: 150, archetype: growth, attributes: {tier: [a, b, c]}}
  - {name: faders, count: 110, archetype: "decline > flat @ 6"}
seasonality: [{months: [11, 12], strength: 0.2}]
noise: realistic
entity_features: true
holdout: {target: spend, periods: 3}
dimensions:
  - {name: dim_plan, grain: reference, columns: [{plan_id: id}, {plan: "static.basic,plus,max"}, {seats: range, min: 1, max: 50}]}
  - name: dim_account
    columns:
      - {account_id: id}
      - {account_name: company}
      - {city: city}
      - {tier: pool.tier}
      - {opened_at: timestamp}
      - {name: level, type: scd, tracks: spend, tiers: [low, mid, high], at: [0.3, 0.6]}
  - {name: dim_user, grain: sub_entity, count: 3, columns: [{user_id: id}, {account_id: ref.dim_account}, {full_name: name}, {email: email}]}
facts:
  - name: fct_account
    columns: [{date_key: ref.dim_date}, {account_id: ref.dim_account}, {engagement: metric.engagement},
              {spend: metric.spend}, {tickets: metric.tickets}, {spend_before: "lag.spend:periods:1"}, {band: bucket, labels: [a, b, c]}]
events:
  - {name: evt_visit, proportional: {driver: engagement, scale: 4},
     columns: [{visit_id: id}, {account_id: ref.dim_account}, {user_id: ref.dim_user}, {date_key: ref.dim_date}, {visited_at: timestamp}]}
  - {name: evt_alert, threshold: {metric: tickets, above: 2, for: 2},
     columns: [{alert_id: id}, {account_id: ref.dim_account}, {date_key: ref.dim_date}, {tickets: metric.tickets}]}
bridges:
  - {name: bridge_account_plan, left: dim_account, right: dim_plan, cardinality: [0, 3], driver: spend}
calendar:
  components: [{name: days, days: [0, 5], hours: [9, 17]}, {name: nights, days: [0, 7], hours: [21, 3]}]
  concentration: 1.5
sources:
  - {name: crm, name_drift_rate: 0.2, attribute_drift_rate: 0.1, coverage: 0.9}
  - {name: billing, key_scheme: uuid_short, attribute_drift_rate: 0.2}
"""


def digest(directory: Path) -> dict[str, str]:
    """sha256 of every file of a run's output (truth/ included), by relative path."""
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.rglob("*")) if p.is_file()}


def several_key_blocks(cfg: Config) -> Config:
    """CONFIG's population times ten, for the block-size tests: 2,600 entities make three key blocks,
    the last one partial (CONFIG's own 260 fit in one)."""
    return cfg.model_copy(update={"segments": [s.model_copy(update={"count": s.count * 10}) for s in cfg.segments]})


def cli_run(config: Path, out: Path, cwd: Path, *extra: str) -> dict[str, str]:
    subprocess.run(
        [sys.executable, "-m", "plotsim_dbt.cli.main", "run", str(config), "-o", str(out), "--quiet", "--validate", *extra],
        cwd=cwd,
        check=True,
        capture_output=True,
    )
    return digest(out)


@pytest.fixture(scope="module")
def config_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cfg") / "config.yaml"
    path.write_text(CONFIG)
    return path


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_two_processes_in_different_directories_write_identical_bytes(config_file, tmp_path, fmt):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = cli_run(config_file, tmp_path / "out1", tmp_path / "a", "--format", fmt)
    second = cli_run(config_file, tmp_path / "out2", tmp_path / "b", "--format", fmt)
    assert first == second
    tables = [
        "dim_plan",
        "dim_account",
        "dim_user",
        "fct_account",
        "fct_account_train",
        "evt_visit",
        "evt_alert",
        "bridge_account_plan",
        "_entity_features",
    ]
    assert {"manifest.json", "config.yaml", "validation_report.txt", *(f"{t}.{fmt}" for t in tables)} <= set(first)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_block_size_and_worker_count_do_not_change_a_byte(config_file, tmp_path, monkeypatch, fmt):
    from plotsim_dbt import create_from_yaml
    from plotsim_dbt.sinks import parquet_files

    monkeypatch.setattr(parquet_files, "ROW_GROUP_ROWS", 10_000)  # several row groups per table, cut across blocks
    cfg = create_from_yaml(config_file)
    cfg = several_key_blocks(cfg)  # blocks of 1, 2 and 3 key blocks, and two workers sharing three blocks
    digests = {}
    for workers, block_size in ((1, 1024), (1, 2048), (1, 4096), (2, 1024)):
        result = run(cfg, tmp_path / f"w{workers}_b{block_size}", workers=workers, block_size=block_size, format=fmt)
        digests[workers, block_size] = digest(result.directory)
    assert result.row_counts["fct_account"] == 2600 * 12
    (first, *others) = digests.values()
    assert {
        "manifest.json",
        "config.yaml",
        "validation_report.txt",
        f"fct_account.{fmt}",
        f"truth/truth_trajectory.{fmt}",
        f"dim_account_crm.{fmt}",
        f"dim_account_billing.{fmt}",
        f"truth/truth_entity_resolution.{fmt}",
    } <= set(first)
    for label, other in zip(list(digests)[1:], others):
        assert other == first, label


def test_a_different_seed_changes_the_data(config_file, tmp_path):
    from plotsim_dbt import create_from_yaml

    cfg = create_from_yaml(config_file)
    a = digest(run(cfg, tmp_path / "a").directory)
    b = digest(run(cfg.model_copy(update={"seed": 12}), tmp_path / "b").directory)
    assert a["fct_account.csv"] != b["fct_account.csv"]
    assert a["dim_date.csv"] == b["dim_date.csv"]  # the calendar does not depend on the seed


def test_generate_tables_with_a_generator_equals_its_seed():
    import numpy as np

    from plotsim_dbt import generate_tables

    cfg = create(
        about="x",
        unit="u",
        window=("2024-01", "2024-06"),
        metrics=[{"name": "m", "type": "score"}],
        segments=[{"name": "s", "count": 20, "archetype": "growth"}],
        seed=5,
    )
    plain = generate_tables(cfg)["fct_u"]
    seeded = generate_tables(cfg, np.random.default_rng(5))["fct_u"]
    other = generate_tables(cfg, np.random.default_rng(6))["fct_u"]
    assert plain.equals(seeded)
    assert not plain["m"].equals(other["m"])
