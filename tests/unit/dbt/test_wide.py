"""The scaffold's wide models: written only when the config asks for denormalized output, one per
fact, with the Python wide table's columns, and the SCD2 dimension joined as of the row's date."""

from __future__ import annotations

import yaml

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.dbt.scaffold import PROPERTIES_FILE, scaffold
from plotsim_dbt.denormalize import wide_tables
from plotsim_dbt.plan.resolve import resolve_plan


def config(denormalized: bool) -> ps.Config:
    return ps.create(
        about="wide",
        unit="account",
        window=("2024-01", "2024-06"),
        seed=4,
        metrics=[{"name": "spend", "type": "amount", "range": [10, 500]}],
        segments=[{"name": "up", "count": 10, "archetype": "growth"}],
        dimensions=[
            {
                "name": "dim_account",
                "columns": [{"account_id": "id"}, {"name": "level", "type": "scd", "tracks": "spend", "tiers": ["low", "high"], "at": [0.5]}],
            }
        ],
        facts=[{"name": "fct_account", "columns": [{"date_key": "ref.dim_date"}, {"account_id": "ref.dim_account"}, {"spend": "metric.spend"}]}],
        output={"denormalized": denormalized},
    )


def test_no_wide_model_without_denormalized_output(tmp_path):
    written = scaffold(config(False), "wide.yaml", tmp_path)
    assert not [p for p in written if p.suffix == ".sql"]
    models = yaml.safe_load((tmp_path / PROPERTIES_FILE).read_text())["models"]
    assert not [m for m in models if m["name"].endswith("_wide")]


def test_the_wide_model_has_the_python_columns_and_joins_the_version_by_date(tmp_path):
    cfg = config(True)
    written = scaffold(cfg, "wide.yaml", tmp_path)
    assert [p.name for p in written if p.suffix == ".sql"] == ["fct_account_wide.sql"]
    tables, _ = generate_arrow(cfg)
    expected = wide_tables(resolve_plan(cfg), tables)["fct_account_wide"].column_names
    entry = next(m for m in yaml.safe_load((tmp_path / PROPERTIES_FILE).read_text())["models"] if m["name"] == "fct_account_wide")
    assert [c["name"] for c in entry["columns"]] == expected and all(c["description"] for c in entry["columns"])
    sql = (tmp_path / "fct_account_wide.sql").read_text()
    assert all(f'"{name}"' in sql for name in expected)
    assert "ref('fct_account')" in sql and "ref('dim_account')" in sql and ".valid_from" in sql
    assert 'd1."dim_row_id"' not in sql  # the version is found from the key and the date, not the stored version key
