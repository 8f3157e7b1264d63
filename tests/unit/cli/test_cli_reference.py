"""The command line as the reference generator's scripts use it: run --strict, -q, -s,
validate --config-only, --allow-large-dataset and its size note, the printed lines a script reads,
--version, exit codes, and help without a command."""

from __future__ import annotations

import re
import subprocess
import sys

import pyarrow as pa
import pytest

import plotsim_dbt as ps
import plotsim_dbt.pipeline as pipeline
from plotsim_dbt.cli.main import main
from plotsim_dbt.cli.size import summary
from plotsim_dbt.plan.resolve import resolve_plan

SMALL = """about: cli
unit: account
window: [2024-01, 2024-06]
metrics: [{name: engagement, type: score}]
segments: [{name: up, count: 8, archetype: growth}, {name: down, count: 8, archetype: decline}]
dimensions:
  - name: dim_account
    columns: [{account_id: id}, {account_code: entity_name}]
facts:
  - name: fct_account
    columns: [{date_key: ref.dim_date}, {account_id: ref.dim_account}, {engagement: metric.engagement}]
events:
  - name: evt_logins
    proportional: {driver: engagement, scale: 2}
    columns: [{login_id: id}, {account_id: ref.dim_account}, {date_key: ref.dim_date}]
  - name: evt_never
    threshold: {metric: engagement, above: 2.0}
    columns: [{never_id: id}, {account_id: ref.dim_account}, {date_key: ref.dim_date}]
seed: 3
"""
# 200,000 entities x 12 months = 2.4M entity-periods: above the size note's 2,000,000
LARGE = """about: large
unit: account
window: [2024-01, 2024-12]
metrics: [{name: engagement, type: score}]
segments: [{name: many, count: 100000, archetype: growth}, {name: more, count: 100000, archetype: decline}]
"""


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "plotsim_dbt.cli.main", *args], capture_output=True, text=True)


@pytest.fixture()
def small(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    return path


def test_run_prints_the_reference_lines(small, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(small), "-o", str(out), "-s", "7"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Generating dataset from {small} (seed=7)..."
    match = re.fullmatch(rf"Wrote (\d+) table\(s\), (\d+) total row\(s\) to {re.escape(str(out))}/", lines[1])
    assert match, lines
    written = [p for p in out.iterdir() if p.suffix == ".csv"]
    assert int(match.group(1)) == len(written)
    assert int(match.group(2)) == sum(len(p.read_text().splitlines()) - 1 for p in written)
    assert "! evt_never: 0 rows (the event never fired)" in lines
    assert '"seed": 7' in (out / "manifest.json").read_text()  # -s overrides the config's seed 3


def test_quiet_prints_only_the_validation_line(small, tmp_path, capsys):
    assert main(["run", str(small), "-o", str(tmp_path / "q"), "-q", "-v"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "Validation: VALID - 0 error(s), 1 warning(s)\n" and captured.err == ""
    assert main(["run", str(small), "-o", str(tmp_path / "q"), "--quiet"]) == 0
    assert capsys.readouterr().out == ""


def test_strict_failure_exits_1_and_writes_nothing(small, tmp_path, capsys, monkeypatch):
    original = pipeline.global_tables

    def duplicated(plan, names=None):
        tables = original(plan, names)
        return {**tables, "dim_date": pa.concat_tables([tables["dim_date"], tables["dim_date"].slice(0, 1)])}

    monkeypatch.setattr(pipeline, "global_tables", duplicated)
    assert main(["run", str(small), "-o", str(tmp_path / "strict" / "out"), "--strict"]) == 1
    last = capsys.readouterr().err.splitlines()[-1]  # after the progress line
    assert last.startswith("error: strict: validation found 2 error(s), nothing was written") and "pk_uniqueness (dim_date)" in last
    assert not (tmp_path / "strict").exists()
    assert main(["run", str(small), "-o", str(tmp_path / "loose"), "--validate"]) == 1, "--validate: written, exit 1"
    assert (tmp_path / "loose" / "validation_report.txt").exists()


def test_validate_prints_valid_or_invalid_with_the_message(small, tmp_path, capsys):
    assert main(["validate", str(small)]) == 0
    assert main(["validate", str(small), "--config-only", "--allow-large-dataset"]) == 0
    assert capsys.readouterr().out == f"VALID: {small}\nVALID: {small}\n"
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.replace("type: score", "type: amount"))  # an amount needs a range
    assert main(["validate", str(bad)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"INVALID: {bad}" and lines[1].startswith("  metrics.0.range:")


def test_large_config_gets_a_size_note_that_the_flag_silences(tmp_path, capsys, monkeypatch):
    large = tmp_path / "large.yaml"
    large.write_text(LARGE)
    done = cli("validate", str(large))  # the whole process: nothing else reaches stderr before the note
    assert done.returncode == 0 and done.stdout == f"VALID: {large}\n"
    note = done.stderr.splitlines()[0]
    assert re.fullmatch(
        r"Config summary: 200,000 entities x 12 periods = 2,400,000 cells, 1 metrics, 3 tables\. "
        r"Estimated peak memory: ~[\d,]+ MB\.",
        note,
    ), note
    # the rest in this process: main() is what the console script runs, without a 3 s start-up each
    for args in (["validate", str(large), "--allow-large-dataset"], ["info", str(large), "--allow-large-dataset"]):
        assert main(args) == 0 and capsys.readouterr().err == "", args
    assert main(["info", str(large)]) == 0 and "Config summary" in capsys.readouterr().err
    monkeypatch.setenv("PLOTSIM_ALLOW_LARGE_DATASET", "yes")
    assert main(["validate", str(large)]) == 0 and capsys.readouterr().err == ""


def test_small_configs_get_no_note(small):
    done = cli("validate", str(small))
    assert done.returncode == 0 and done.stderr == ""
    assert summary(resolve_plan(ps.create_from_yaml(small))).startswith("Config summary: 16 entities x 6 periods")


def test_version_help_and_no_command():
    done = cli("--version")
    assert done.returncode == 0 and done.stdout == f"plotsim-dbt {ps.__version__}\n"
    done = cli()
    assert done.returncode == 1 and done.stdout.startswith("usage: plotsim-dbt") and "run" in done.stdout
