"""No dbt deprecation in the demo or in a project made by `init`, with dbt's property-file check
enabled (dbt runs it only for some adapters; it is what reports CustomKeyInConfigDeprecation)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from dbt_helpers import ROOT

from plotsim_dbt.cli.main import main

pytestmark = pytest.mark.slow

CHECKED_DBT = "import dbt.jsonschemas.jsonschemas as j; j._JSONSCHEMA_SUPPORTED_ADAPTERS.add('duckdb'); from dbt.cli.main import cli; cli()"


def dbt(project: Path, work: Path, *args: str) -> str:
    paths = ["--project-dir", str(project), "--profiles-dir", str(project), "--log-path", str(work / "logs")]
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    done = subprocess.run([sys.executable, "-c", CHECKED_DBT, *args, *paths], cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:]
    return done.stdout


def parse(project: Path, work: Path) -> str:
    return dbt(project, work, "parse", "--no-partial-parse", "--show-all-deprecations", "--target-path", str(work / "target"))


def test_no_deprecation_in_the_demo_or_an_init_project(tmp_path):
    assert "Deprecat" not in parse(ROOT, tmp_path / "demo")
    project = tmp_path / "analytics"
    assert main(["init", str(project), "--template", "saas"]) == 0
    dbt(project, tmp_path / "init", "deps")
    assert "Deprecat" not in parse(project, tmp_path / "init")
    # the check is live: a custom key directly under config is reported
    (project / "models" / "probe.sql").write_text("select 1 as x\n")
    (project / "models" / "_probe.yml").write_text("version: 2\nmodels:\n  - name: probe\n    config: {plotsim: {config: x}}\n")
    assert "CustomKeyInConfigDeprecation" in parse(project, tmp_path / "probe")
