"""``struct`` and ``array`` columns: Arrow struct / list values that DuckDB reads as STRUCT / LIST,
Parquet keeps natively, and CSV carries as JSON text."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from breadth_helpers import PERIODS, breadth_kwargs, own_positions

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow

FIXTURES = Path(__file__).parents[2] / "data" / "reference_dialect" / "columns"
TAGS = ["new", "loyal", "vip", "local"]
ADDRESS = {"street": "string", "number": "int", "score": "float", "open": "bool"}


def nested_kwargs() -> dict:
    kw = breadth_kwargs()
    kw["dimensions"][0]["columns"] += [
        {"name": "address", "type": "struct", "fields": ADDRESS},
        {"name": "tags", "type": "array", "length": 2, "options": TAGS},
    ]
    kw["facts"][0]["columns"] += [
        {"name": "scores", "type": "array", "element": "float", "length": 3},
        {"name": "checks", "type": "array", "element": "bool", "length": 4},
    ]
    return kw


@pytest.fixture(scope="module")
def run():
    return generate_arrow(ps.create(**nested_kwargs()))


def test_values_have_the_declared_shape(run):
    tables, _ = run
    dim, fact = tables["dim_shop"], tables["fct_shop"]
    assert dim.schema.field("address").type == pa.struct(
        [("street", pa.string()), ("number", pa.int64()), ("score", pa.float64()), ("open", pa.bool_())]
    )
    assert dim.schema.field("tags").type == pa.list_(pa.string())
    assert fact.schema.field("scores").type == pa.list_(pa.float64())
    for address in dim.column("address").to_pylist():
        assert address["street"] in {f"street_{k}" for k in range(1, 10)} and 0 <= address["number"] <= 99 and 0 <= address["score"] < 1
    assert all(len(t) == 2 and set(t) <= set(TAGS) for t in dim.column("tags").to_pylist())
    assert all(len(s) == 3 and all(0 <= x < 1 for x in s) for s in fact.column("scores").to_pylist())
    assert dim.column("address").null_count == dim.column("tags").null_count == 0


def test_a_bool_value_is_true_with_the_rows_position_as_probability(run):
    """In each position band of the fact rows, the share of true values is the band's mean
    position, within 4 binomial standard errors."""
    tables, state = run
    checks = np.array(tables["fct_shop"].column("checks").to_pylist(), dtype=float)  # [rows, 4]
    position = np.clip(own_positions(state).ravel(), 0, 1)
    band = np.minimum((position * 4).astype(int), 3)
    for b in range(4):
        p, hits = position[band == b], checks[band == b].ravel()
        assert len(hits) > 100
        expected = np.repeat(p, checks.shape[1]).mean()
        assert abs(hits.mean() - expected) < 4 * np.sqrt(expected * (1 - expected) / len(hits)) + 1e-9


@pytest.mark.parametrize("fmt", ["duckdb", "parquet", "csv"])
def test_nested_columns_round_trip_to_duckdb(run, fmt, tmp_path):
    tables, _ = run
    result = ps.run(ps.create(**nested_kwargs()), tmp_path / "out", format=fmt)
    assert result.report.ok
    con = duckdb.connect()
    if fmt == "duckdb":
        con.execute(f"attach '{tmp_path / 'out' / 'warehouse.duckdb'}' as w (read_only)")
        source, fact_source = "w.dim_shop", "w.fct_shop"
    else:
        reader = "read_parquet" if fmt == "parquet" else "read_csv_auto"
        source, fact_source = (f"{reader}('{tmp_path / 'out' / name}.{fmt}')" for name in ("dim_shop", "fct_shop"))
    kinds = dict(con.execute(f"select column_name, column_type from (describe select * from {source})").fetchall())
    if fmt == "csv":  # JSON text, read back with ::JSON
        assert kinds["address"] == "VARCHAR" and kinds["tags"] == "VARCHAR"
        got = [(json.loads(a), json.loads(t)) for a, t in con.execute(f"select address, tags from {source} order by shop_id").fetchall()]
        assert con.execute(f"select count(*) from {source} where json_valid(address) and json_array_length(tags::JSON) = 2").fetchone()[0] == len(got)
    else:
        assert kinds["address"].startswith("STRUCT(street VARCHAR, number BIGINT") and kinds["tags"] == "VARCHAR[]"
        got = con.execute(f"select address, tags from {source} order by shop_id").fetchall()
    assert got == list(zip(tables["dim_shop"].column("address").to_pylist(), tables["dim_shop"].column("tags").to_pylist()))
    scores = con.execute(f"select scores from {fact_source}").fetchall()
    assert len(scores) == len(tables["fct_shop"]) == len(tables["dim_shop"]) * PERIODS


@pytest.mark.parametrize(
    ("column", "field", "words"),
    [
        ({"name": "a", "type": "struct", "fields": {}}, "dimensions.0.columns.2", "1 to 20 fields"),
        ({"name": "a", "type": "struct", "fields": {"x": "map"}}, "dimensions.0.columns.2", "fields"),
        ({"name": "a", "type": "array", "length": 0}, "dimensions.0.columns.2", "length"),
        ({"name": "a", "type": "array", "options": ["x", "x"]}, "dimensions.0.columns.2", "distinct strings"),
    ],
)
def test_bad_nested_column_is_one_clear_error(column, field, words):
    kw = breadth_kwargs()
    kw["dimensions"][0]["columns"].append(column)
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**kw)
    assert info.value.field.startswith(field) and words in str(info.value)


@pytest.mark.parametrize(
    ("path", "column", "kind"),
    [
        ("builder/struct.yaml", "address", pa.struct([("street", pa.string()), ("number", pa.int64())])),
        ("engine/nested.yaml", "address", pa.struct([("street", pa.string()), ("number", pa.int64())])),
        ("builder/array.yaml", "tags", pa.list_(pa.string())),
        ("engine/nested_array.yaml", "tags", pa.list_(pa.string())),
    ],
)
def test_the_reference_nested_forms_load_and_generate(path, column, kind):
    tables, _ = generate_arrow(ps.load_config(FIXTURES / path))
    values = tables["dim_shop"].column(column)
    assert values.type == kind
    if pa.types.is_list(kind):
        assert all(len(v) == 3 for v in values.to_pylist())


def test_nested_columns_go_through_change_feeds_and_quality_faults(tmp_path):
    """A change feed compares row images holding struct / list values, and a fault on a nested
    column records its clean value as JSON text, the form CSV writes."""
    kw = nested_kwargs()
    kw["dimensions"][0]["columns"].append({"name": "tier", "type": "scd", "tracks": "visits", "tiers": ["lo", "hi"], "at": [0.5]})
    kw["dimensions"][0]["cdc"] = kw["facts"][0]["cdc"] = True
    kw["quality"] = [{"issue": "null_injection", "table": "fct_shop", "column": "scores", "rate": 0.05}]
    tables, state = generate_arrow(ps.create(**kw))
    faults = state.truth["truth_quality_faults"].to_pylist()
    assert faults and all(f["column_name"] == "scores" and len(json.loads(f["clean_value"])) == 3 for f in faults)
    assert tables["fct_shop"].column("scores").null_count == len(faults)
    assert len(tables["dim_shop_changes"]) >= len(tables["dim_shop"].filter(pc.field("is_current")))


def test_a_struct_on_a_reference_dimension_generates_with_coin_flip_bools():
    """A reference row belongs to no entity: its bool fields are true with probability one half,
    within 4 binomial standard errors over the rows."""
    kw = breadth_kwargs()
    rows = 400
    kw["dimensions"].append(
        {
            "name": "dim_aisle",
            "grain": "reference",
            "count": rows,
            "columns": [{"aisle_id": "id"}, {"name": "layout", "type": "struct", "fields": {"zone": "string", "chilled": "bool"}}],
        }
    )
    config = ps.create(**kw)
    tables, _ = generate_arrow(config)
    layouts = tables["dim_aisle"].column("layout").to_pylist()
    assert len(layouts) == rows and all(v["zone"] in {f"zone_{k}" for k in range(1, 10)} for v in layouts)
    share = np.mean([v["chilled"] for v in layouts])
    assert abs(share - 0.5) < 4 * np.sqrt(0.25 / rows)
