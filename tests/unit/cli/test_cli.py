"""The plotsim-dbt command line: one-line errors, templates, run, info, schema."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import plotsim_dbt as ps
from plotsim_dbt.cli.main import main


def cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "plotsim_dbt.cli.main", *args], capture_output=True, text=True, cwd=cwd)


def test_bad_config_is_one_line_naming_the_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "about: x\nunit: u\nwindow: [2024-01, 2024-06]\nmetrics: [{name: m, type: amount}]\nsegments: [{name: s, count: 3, archetype: growth}]\n"
    )
    done = cli("run", str(bad), "-o", str(tmp_path / "out"))
    assert done.returncode == 1  # as the reference: 1 for every error
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: metrics.0.range:")
    assert not (tmp_path / "out").exists()


def test_missing_config_file_is_reported_not_raised(tmp_path):
    done = cli("validate", str(tmp_path / "nope.yaml"))
    assert done.returncode == 1 and done.stdout.startswith(f"INVALID: {tmp_path / 'nope.yaml'}\n")
    assert "does not exist" in done.stdout and "Traceback" not in done.stdout + done.stderr
    done = cli("run", str(tmp_path / "nope.yaml"))
    assert done.returncode == 1 and "does not exist" in done.stderr and "Traceback" not in done.stderr


def test_template_round_trip_and_run_with_validation(tmp_path, capsys):
    target = tmp_path / "saas.yaml"
    assert main(["template", "saas", "-o", str(target)]) == 0
    cfg = ps.create_from_yaml(target)
    assert cfg == ps.load_template("saas")
    assert main(["run", str(target), "-o", str(tmp_path / "data"), "--validate", "--format", "parquet"]) == 0
    out = capsys.readouterr().out
    assert "Wrote 18 table(s)" in out and "Validation: VALID - 0 error(s), 0 warning(s)" in out
    assert (tmp_path / "data" / "fct_revenue.parquet").exists()


@pytest.mark.parametrize(("fmt", "written"), [("jsonl", "fct_performance.jsonl"), ("sql", "data.sql")])
def test_run_writes_the_text_formats(tmp_path, capsys, fmt, written):
    target = tmp_path / "hr.yaml"
    assert main(["template", "hr", "-o", str(target)]) == 0
    assert main(["run", str(target), "-o", str(tmp_path / "data"), "--validate", "--format", fmt]) == 0
    assert "Validation: VALID" in capsys.readouterr().out and (tmp_path / "data" / written).is_file()


def test_list_info_and_schema(capsys):
    assert main(["list-templates"]) == 0
    assert "saas" in capsys.readouterr().out.split()
    assert main(["info", "saas"]) == 0
    info = capsys.readouterr().out
    assert "600 entities" in info and "fct_revenue (14,400 rows)" in info
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "metrics" in schema["properties"] and "Metric" in schema["$defs"]


def test_unknown_template_lists_the_available_ones(capsys):
    assert main(["template", "nope"]) == 1
    assert "available: banking, health, hr, marketing, retail, saas" in capsys.readouterr().err
