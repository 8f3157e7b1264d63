"""``faker.<method>`` columns (a Faker instance per locale and column, reseeded per key block) write
the same bytes at any block size and worker count, in every table role that takes them."""

from __future__ import annotations

from test_byte_identical import digest

from plotsim_dbt import create, run

FAKED = [
    {"job": "faker.job"},
    {"phone": "faker.phone_number"},
    {"founded": "faker.year"},
    {"name": "since", "type": "faker.date_between", "args": {"start_date": "2015-01-01", "end_date": "2020-12-31"}},
]


def faker_config():
    return create(
        about="faker methods, determinism",
        unit="shop",
        window=("2024-01", "2024-06"),
        seed=11,
        locale=["en_US", "de_DE", "ja_JP"],
        metrics=[{"name": "visits", "type": "score"}],
        segments=[{"name": "rising", "count": 1300, "archetype": "growth"}, {"name": "falling", "count": 1200, "archetype": "decline"}],
        dimensions=[
            {"name": "dim_depot", "grain": "reference", "count": 30, "columns": [{"depot_id": "id"}, {"sector": "faker.industry"}]},
            {"name": "dim_month", "grain": "period", "columns": [{"month_id": "id"}, {"theme": "faker.catch_phrase"}]},
            {"name": "dim_shop", "columns": [{"shop_id": "id"}, {"manager": "name"}, *FAKED]},
            {
                "name": "dim_till",
                "grain": "sub_entity",
                "count": 2,
                "columns": [{"till_id": "id"}, {"shop_id": "ref.dim_shop"}, {"serial": "faker.uuid4"}],
            },
        ],
        facts=[{"name": "fct_shop", "columns": [{"date_key": "ref.dim_date"}, {"shop_id": "ref.dim_shop"}, {"visits": "metric.visits"}]}],
        bridges=[
            {"name": "shop_depot", "left": "dim_shop", "right": "dim_depot", "cardinality": [1, 3], "columns": [{"contact": "faker.phone_number"}]}
        ],
        events=[
            {
                "name": "evt_visit",
                "proportional": {"driver": "visits", "scale": 0.5},
                "columns": [{"visit_id": "id"}, {"shop_id": "ref.dim_shop"}, {"date_key": "ref.dim_date"}, {"ip": "faker.ipv4"}],
            }
        ],
    )


def test_faker_columns_do_not_depend_on_block_size_or_workers(tmp_path):
    cfg = faker_config()
    digests = {}
    for workers, block_size in ((1, 1024), (1, 65536), (2, 1024)):
        result = run(cfg, tmp_path / f"w{workers}_b{block_size}", workers=workers, block_size=block_size, format="parquet")
        assert result.report.ok
        digests[workers, block_size] = digest(result.directory)
    first, *others = digests.values()
    assert {f"{t}.parquet" for t in ("dim_depot", "dim_month", "dim_shop", "dim_till", "evt_visit", "shop_depot")} <= set(first)
    for label, other in zip(list(digests)[1:], others):
        assert other == first, label
