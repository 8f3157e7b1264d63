"""Bridge columns, uniform bridge links and period dimensions write the same bytes at any block
size and worker count (their draws are keyed by table and column, per key block or once per run)."""

from __future__ import annotations

from test_byte_identical import digest

from plotsim_dbt import create, run


def test_bridges_and_period_dimensions_do_not_depend_on_block_size_or_workers(tmp_path):
    cfg = create(
        about="bridge columns and period dimensions, determinism",
        unit="shop",
        window=("2024-01", "2024-06"),
        seed=5,
        locale=["en_US", "de_DE"],
        metrics=[{"name": "visits", "type": "score"}, {"name": "orders", "type": "count", "range": [0, 20]}],
        segments=[{"name": "rising", "count": 1300, "archetype": "growth"}, {"name": "falling", "count": 1200, "archetype": "decline"}],
        dimensions=[
            {"name": "dim_region", "grain": "reference", "count": 8, "columns": [{"region_id": "id"}, {"region": "city"}]},
            {"name": "dim_shop", "columns": [{"shop_id": "id"}]},
            {
                "name": "dim_week",
                "grain": "period",
                "columns": [{"week_id": "id"}, {"promo": "static.a,b,c"}, {"budget": "range", "min": 0.5, "max": 2}, {"manager": "name"}],
            },
        ],
        facts=[
            {
                "name": "fct_shop",
                "columns": [
                    {"date_key": "ref.dim_date"},
                    {"shop_id": "ref.dim_shop"},
                    {"week_id": "ref.dim_week"},
                    {"visits": "metric.visits"},
                    {"orders": "metric.orders"},
                ],
            }
        ],
        bridges=[
            {
                "name": "bridge_story",
                "left": "dim_shop",
                "right": "dim_region",
                "cardinality": [0, 5],
                "columns": [{"avg_orders": "metric.orders"}, {"contact": "name"}, {"share": "range", "min": 0, "max": 1.0001}],
            },
            {
                "name": "bridge_random",
                "left": "dim_shop",
                "right": "dim_region",
                "cardinality": [1, 8],
                "links": "uniform",
                "columns": [{"kind": "static.x,y"}, {"partner": "company"}],
            },
        ],
    )
    digests = {}
    for workers, block_size in ((1, 1024), (1, 65536), (2, 1024)):
        result = run(cfg, tmp_path / f"w{workers}_b{block_size}", workers=workers, block_size=block_size, format="csv")
        assert result.report.ok
        digests[workers, block_size] = digest(result.directory)
    first, *others = digests.values()
    assert {f"{t}.csv" for t in ("dim_week", "bridge_story", "bridge_random", "fct_shop")} <= set(first)
    for label, other in zip(list(digests)[1:], others):
        assert other == first, label
