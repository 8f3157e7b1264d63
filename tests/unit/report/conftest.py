"""Report fixtures: section data loaded once per template, and the saas and hr reports written
once per session (a report takes seconds; every report test reads the same files)."""

from __future__ import annotations

import pytest

import plotsim_dbt as ps
from plotsim_dbt.cli.main import main
from plotsim_dbt.plan.resolve import resolve_plan
from plotsim_dbt.report.data import load


@pytest.fixture(scope="session")
def saas_data():
    return load(resolve_plan(ps.load_template("saas")))


@pytest.fixture(scope="session")
def reports(tmp_path_factory):
    """{template: path}: saas through the Python API, hr through the command line."""
    root = tmp_path_factory.mktemp("reports")
    saas = ps.report(ps.load_template("saas"), root / "saas.html", name="saas")
    assert main(["report", "hr", "-o", str(root / "hr.html")]) == 0
    return {"saas": saas, "hr": root / "hr.html"}
