"""The issue-15 column kinds (narrative, geo with several locales, struct / array, dim_date
columns) write the same bytes at any block size and worker count."""

from __future__ import annotations

import pytest
from test_byte_identical import digest

from plotsim_dbt import create, run

TONE = {"low": ["a poor", "a bad"], "mid": ["an average"], "high": ["a great", "an excellent"]}


def breadth_config():
    return create(
        about="issue 15 columns, determinism",
        unit="shop",
        window=("2024-01", "2024-12"),
        seed=3,
        locale=["en_US", "de_DE", "ja_JP"],
        metrics=[{"name": "visits", "type": "score"}],
        segments=[{"name": "rising", "count": 2600, "archetype": "growth"}, {"name": "falling", "count": 2400, "archetype": "decline"}],
        date_columns=[{"fiscal_year": "int", "sql": "year + (month >= 7)::int"}],
        dimensions=[
            {"name": "dim_depot", "grain": "reference", "count": 20, "columns": [{"depot_id": "id"}, {"depot_city": "geo.city"}]},
            {
                "name": "dim_shop",
                "columns": [
                    {"shop_id": "id"},
                    {"manager": "name"},
                    {"city": "geo.city"},
                    {"postcode": "geo.postcode"},
                    {"lat": "geo.latitude"},
                    {"name": "address", "type": "struct", "fields": {"street": "string", "number": "int", "open": "bool"}},
                    {"name": "tags", "type": "array", "length": 2, "options": ["new", "loyal", "vip"]},
                ],
            },
            {
                "name": "dim_till",
                "grain": "sub_entity",
                "count": 2,
                "columns": [{"till_id": "id"}, {"shop_id": "ref.dim_shop"}, {"till_city": "geo.city"}],
            },
        ],
        facts=[
            {
                "name": "fct_shop",
                "columns": [
                    {"date_key": "ref.dim_date"},
                    {"shop_id": "ref.dim_shop"},
                    {"visits": "metric.visits"},
                    {"name": "review", "type": "narrative", "template": "{tone} month", "lexicons": {"default": {"tone": TONE}}},
                    {"name": "scores", "type": "array", "element": "float", "length": 3},
                ],
            }
        ],
    )


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_new_columns_do_not_depend_on_block_size_or_workers(tmp_path, fmt):
    cfg = breadth_config()
    digests = {}
    for workers, block_size in ((1, 1024), (1, 4096), (2, 1024)):
        result = run(cfg, tmp_path / f"w{workers}_b{block_size}", workers=workers, block_size=block_size, format=fmt)
        assert result.report.ok
        digests[workers, block_size] = digest(result.directory)
    first, *others = digests.values()
    assert {f"{t}.{fmt}" for t in ("dim_date", "dim_depot", "dim_shop", "dim_till", "fct_shop")} <= set(first)
    for label, other in zip(list(digests)[1:], others):
        assert other == first, label
