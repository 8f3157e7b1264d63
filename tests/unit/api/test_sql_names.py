"""Tables and columns named like SQL keywords (order, group, null, true, select, from, limit) are
quoted in every generated SQL statement: validation runs, and still finds faults in them."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.cli.main import main

KEYWORDS = Path(__file__).resolve().parents[2] / "data" / "configs" / "keywords.yaml"


@pytest.mark.parametrize("format", ["csv", "duckdb"])
def test_run_validate_passes_with_keyword_names(tmp_path, capsys, format):
    assert main(["run", str(KEYWORDS), "-o", str(tmp_path / "out"), "--format", format, "--validate", "-q"]) == 0
    assert capsys.readouterr().out.strip() == "Validation: VALID - 0 error(s), 0 warning(s)"


def test_validation_still_finds_a_fault_in_a_keyword_table():
    config = ps.create_from_yaml(KEYWORDS)
    tables, _ = generate_arrow(config)
    assert ps.validate(config, tables).ok
    order = tables["order"]
    broken = {**tables, "order": pa.concat_tables([order, order.slice(0, 1)])}
    report = ps.validate(config, broken)
    assert {(i.check, i.table) for i in report.errors} == {("pk_uniqueness", "order"), ("scd_integrity", "order")}
