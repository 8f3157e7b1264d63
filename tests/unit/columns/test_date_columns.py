"""``date_columns``: typed date / int / string / float columns on dim_date, from SQL over its own columns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest
from breadth_helpers import PERIODS, breadth_kwargs

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow

FIXTURES = Path(__file__).parents[2] / "data" / "reference_dialect" / "columns"
DATE_COLUMNS = [
    {"fiscal_year": "int", "sql": "year + (month >= 7)::int"},
    {"name": "month_end", "type": "date", "sql": "last_day(date)"},
    {"name": "label", "type": "string", "sql": "'P' || period_index"},
    {"name": "share_of_year", "type": "float", "sql": "month / 12"},
]


def test_each_typed_column_is_its_expression_on_every_period():
    tables, _ = generate_arrow(ps.create(**breadth_kwargs(date_columns=DATE_COLUMNS)))
    dim = tables["dim_date"]
    kinds = {f.name: f.type for f in dim.schema}
    assert (kinds["fiscal_year"], kinds["month_end"], kinds["label"], kinds["share_of_year"]) == (pa.int64(), pa.date32(), pa.string(), pa.float64())
    assert len(dim) == PERIODS
    for row in dim.to_pylist():
        assert row["fiscal_year"] == row["year"] + (row["month"] >= 7)
        following = (row["date"].replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        assert row["month_end"] == following - dt.timedelta(days=1)
        assert row["label"] == f"P{row['period_index']}" and row["share_of_year"] == row["month"] / 12


def test_date_columns_leave_the_rest_of_the_run_unchanged():
    plain, _ = generate_arrow(ps.create(**breadth_kwargs()))
    dated, _ = generate_arrow(ps.create(**breadth_kwargs(date_columns=DATE_COLUMNS)))
    assert dated["dim_date"].select(plain["dim_date"].column_names).equals(plain["dim_date"])
    assert all(dated[name].equals(plain[name]) for name in plain if name != "dim_date")


@pytest.mark.parametrize(
    ("columns", "field", "words"),
    [
        ([{"x": "int", "sql": "nope + 1"}], "date_columns.0.sql", "nope"),
        ([{"x": "int", "sql": "1"}, {"X": "float", "sql": "2"}], "date_columns.1.name", "declared twice"),
        ([{"year": "int", "sql": "1"}], "date_columns.0.name", "dim_date's own column"),
        ([{"x": "city"}], "date_columns.0.type", "a dim_date column is"),
        ([{"x": "int"}], "date_columns.0.sql", "missing"),
    ],
)
def test_bad_date_column_is_one_clear_error(columns, field, words):
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**breadth_kwargs(date_columns=columns))
    assert info.value.field == field and words in str(info.value)


def test_a_date_word_elsewhere_is_refused():
    kw = breadth_kwargs()
    kw["dimensions"][0]["columns"].append({"opened": "date", "sql": "1"})
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**kw)
    assert info.value.field == "dimensions.0.columns.2.type"


def test_the_reference_dim_date_columns_translate():
    """Engine YAML: generated:date_key repeats the key; builder YAML has no values for the column, so it asks for sql."""
    tables, _ = generate_arrow(ps.load_config(FIXTURES / "engine" / "dim_date_custom_column.yaml"))
    dim = tables["dim_date"]
    assert dim.column("fiscal_week").to_pylist() == dim.column("date_key").to_pylist()
    with pytest.raises(ps.ConfigError) as info:
        ps.load_config(FIXTURES / "builder" / "dim_date_custom_column.yaml")
    assert info.value.field == "dimensions.0.columns.1.sql"  # where the user declared it
