"""The reference generator's output forms (tests/data/reference_dialect/outputs/) load into our
output section and write that output."""

from __future__ import annotations

from pathlib import Path

import pytest

import plotsim_dbt as ps

DATA = Path(__file__).parents[2] / "data" / "reference_dialect" / "outputs"

CASES = [
    ("builder_output_jsonl.yaml", {"format": "jsonl"}, "dim_date.jsonl"),
    ("builder_output_sql.yaml", {"format": "sql", "sql_dialect": "postgresql"}, "data.sql"),
    ("engine_output_sql.yaml", {"format": "sql", "sql_dialect": "mysql"}, "data.sql"),
    ("builder_output_partition_by.yaml", {"format": "parquet", "partition_by": "date_key"}, "dim_date/date_key=20230101/part-0.parquet"),
    ("builder_output_denormalized.yaml", {"denormalized": True}, "fct_shop_wide.csv"),
    ("engine_output_denormalized.yaml", {"denormalized": True}, "fct_shop_wide.csv"),
    ("builder_event_log.yaml", {"format": "csv"}, "visits.log"),
    ("engine_event_log.yaml", {"format": "csv"}, "visits.log"),
]


@pytest.mark.parametrize(("name", "fields", "written"), CASES, ids=[c[0] for c in CASES])
def test_a_reference_output_form_loads_and_writes_its_output(tmp_path, name, fields, written):
    config = ps.load_config(DATA / name)
    assert {key: getattr(config.output, key) for key in fields} == fields
    result = ps.run(config, tmp_path / "out")
    assert result.report.ok and (tmp_path / "out" / written).is_file()
    if written.endswith(".log"):  # one '{visit_id} {shop_id}' line per event row
        lines = (tmp_path / "out" / written).read_text().splitlines()
        assert len(lines) == result.row_counts["evt_visit"] > 0 and all(len(line.split(" ")) == 2 for line in lines)


def test_the_reference_defaults_beside_csv_are_accepted(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        (DATA / "engine_output_sql.yaml")
        .read_text()
        .replace(
            "output: {format: sql, directory: out, sql_dialect: mysql}",
            "output: {format: CSV, directory: out, cell_budget: null, denormalized: false, partition_by: null, sql_dialect: postgresql}",
        )
    )
    output = ps.load_config(path).output
    assert (output.format, output.directory, output.partition_by, output.sql_dialect) == ("csv", "out", None, "postgresql")
