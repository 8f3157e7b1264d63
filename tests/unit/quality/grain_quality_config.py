"""The config the grain quality tests generate: 1,100 shops (two 1,024-entity key blocks) over four
months, a per-month fact, orders (a variable fact), their items (a child fact whose amounts split the order value)
and refunds (a sibling fact pointing at earlier orders); ``quality`` names the faults."""

from __future__ import annotations

from plotsim_dbt.config import Config, create

ORDER_FAULTS = [
    {"issue": "null_injection", "table": "fct_order", "column": "basket", "rate": 0.1},
    {"issue": "duplicate_rows", "table": "fct_order", "rate": 0.05},
    {"issue": "type_mismatch", "table": "fct_order", "column": "order_value", "rate": 0.1},
    {"issue": "schema_drift", "table": "fct_order", "column": "basket", "rate": 0.1},
    {"issue": "late_arrival", "table": "fct_order", "rate": 0.1},
    {"issue": "volume_anomaly", "table": "fct_order", "rate": 0.3, "mode": "drop", "period": 1},
    {"issue": "volume_anomaly", "table": "fct_order", "rate": 0.2, "mode": "spike", "periods": [2, 3]},
]
ITEM_FAULTS = [{**fault, "table": "fct_item", **({"column": "amount"} if "column" in fault else {})} for fault in ORDER_FAULTS]


def config(quality: list[dict], entities: int = 1100) -> Config:
    return create(
        about="Quality faults on variable and child facts",
        unit="shop",
        seed=5,
        window={"start": "2024-01", "end": "2024-04", "every": "monthly"},
        metrics=[
            {"name": "activity", "type": "score"},
            {"name": "order_value", "type": "amount", "range": [10, 500], "decimals": 2},
            {"name": "basket", "type": "amount", "range": [1, 20], "decimals": 1},
        ],
        segments=[
            {"name": "up", "count": entities // 2, "archetype": "growth"},
            {"name": "down", "count": entities - entities // 2, "archetype": "decline"},
        ],
        dimensions=[{"name": "dim_shop", "columns": [{"shop_id": "id"}]}],
        facts=[
            {
                "name": "fct_shop",
                "columns": [{"date_key": "ref.dim_date"}, {"shop_id": "ref.dim_shop"}, {"activity": "metric.activity"}],
            },
            {
                "name": "fct_order",
                "proportional": {"driver": "activity", "scale": 4},
                "columns": [
                    {"order_id": "id"},
                    {"date_key": "ref.dim_date"},
                    {"shop_id": "ref.dim_shop"},
                    {"order_value": "metric.order_value"},
                    {"basket": "metric.basket"},
                ],
            },
            {
                "name": "fct_item",
                "parent": "fct_order",
                "children_per_row": [1, 3],
                "columns": [
                    {"item_id": "id"},
                    {"order_id": "ref.fct_order"},
                    {"date_key": "ref.dim_date"},
                    {"shop_id": "ref.dim_shop"},
                    {"amount": "share.order_value"},
                ],
            },
            {
                "name": "fct_refund",
                "proportional": {"driver": "activity", "scale": 1},
                "columns": [{"refund_id": "id"}, {"order_id": "ref.fct_order"}, {"date_key": "ref.dim_date"}, {"shop_id": "ref.dim_shop"}],
            },
        ],
        quality=quality,
    )
