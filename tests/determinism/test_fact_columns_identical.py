"""The issue-15 fact columns (period_index, period_label, a surrogate id, a trajectory pool, a
weighted reference) write the same bytes at block sizes 1024 and 65536 (one block for the whole run)."""

from __future__ import annotations

from test_byte_identical import digest

from plotsim_dbt import create, run


def fact_columns_config():
    return create(
        about="issue 15 fact columns, determinism",
        unit="shop",
        window=("2024-01", "2024-12"),
        seed=7,
        metrics=[{"name": "visits", "type": "score"}],
        segments=[
            {"name": "rising", "count": 1300, "archetype": "growth", "attributes": {"mood": ["sad", "ok", "glad"]}},
            {"name": "late", "count": 1200, "archetype": "decline", "arrival": {"kind": "uniform"}, "attributes": {"mood": ["low", "high"]}},
        ],
        dimensions=[
            {"name": "dim_channel", "grain": "reference", "count": 3, "columns": [{"channel_id": "id"}]},
            {"name": "dim_shop", "columns": [{"shop_id": "id"}]},
        ],
        facts=[
            {
                "name": "fct_shop",
                "columns": [
                    {"date_key": "ref.dim_date"},
                    {"shop_id": "ref.dim_shop"},
                    {"visits": "metric.visits"},
                    {"row_id": "id"},
                    {"t": "period_index"},
                    {"label": "period_label"},
                    {"name": "mood", "type": "pool.mood", "pick": "trajectory"},
                    {"name": "channel", "type": "ref.dim_channel", "weights": {1: 0.6, 3: 0.4}},
                ],
            }
        ],
    )


def test_fact_columns_do_not_depend_on_block_size(tmp_path):
    cfg = fact_columns_config()
    small = run(cfg, tmp_path / "b1024", block_size=1024, format="csv")
    whole = run(cfg, tmp_path / "b65536", block_size=65536, format="csv")
    assert small.report.ok and whole.report.ok
    assert "fct_shop.csv" in digest(small.directory)
    assert digest(small.directory) == digest(whole.directory)
