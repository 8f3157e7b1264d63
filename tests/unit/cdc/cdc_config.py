"""The config the change-feed tests generate: 400 companies over a year, a dimension with SCD2
tiers and churn endings, a fact, both with change feeds and delivery faults; with ``grains``, also
a variable fact (orders) and its child fact (items, shares only), each with a change feed."""

from __future__ import annotations

import yaml

from plotsim_dbt import create_from_yaml

RATES = {"late_rate": 0.1, "duplicate_rate": 0.05, "out_of_order_rate": 0.2, "out_of_order_window": 48}
GRAIN_CDC = {"update_rate": 0.3, "delete_rate": 0.05, **RATES}
GRAIN_FACTS = [
    {
        "name": "fct_orders",
        "proportional": {"driver": "engagement", "scale": 3},
        "cdc": GRAIN_CDC,
        "columns": [
            {"name": "order_id", "type": "id"},
            {"name": "date_key", "type": "ref.dim_date"},
            {"name": "company_id", "type": "ref.dim_company"},
            {"name": "mrr", "type": "metric.mrr"},
        ],
    },
    {
        "name": "fct_items",
        "parent": "fct_orders",
        "children_per_row": [1, 3],
        "cdc": GRAIN_CDC,
        "columns": [
            {"name": "item_id", "type": "id"},
            {"name": "order_id", "type": "ref.fct_orders"},
            {"name": "date_key", "type": "ref.dim_date"},
            {"name": "company_id", "type": "ref.dim_company"},
            {"name": "amount", "type": "share.mrr"},
        ],
    },
]


def config(tmp_path, entities: int = 400, periods: int = 12, dim_cdc=None, fact_cdc=None, grains: bool = False):
    doc = {
        "about": "cdc",
        "unit": "company",
        "seed": 11,
        "window": {"start": "2023-01", "end": f"2023-{periods:02d}", "every": "monthly"},
        "metrics": [
            {"name": "engagement", "type": "score", "polarity": "positive"},
            {"name": "mrr", "type": "amount", "polarity": "positive", "range": [1, 100], "decimals": 0},
            {"name": "churn_risk", "type": "score", "polarity": "negative"},
        ],
        "segments": [
            {"name": "a", "count": entities // 2, "archetype": "decline", "arrival": {"kind": "uniform"}},
            {"name": "b", "count": entities - entities // 2, "archetype": "growth"},
        ],
        "dimensions": [
            {
                "name": "dim_company",
                "cdc": dim_cdc or {**RATES, "batch_every": 3},
                "columns": [
                    {"name": "company_id", "type": "id"},
                    {"name": "company_name", "type": "entity_name"},
                    {"name": "tier", "type": "scd", "tracks": "engagement", "tiers": ["low", "mid", "high"], "at": [0.33, 0.66]},
                ],
            }
        ],
        "facts": [
            {
                "name": "fct_usage",
                "cdc": fact_cdc or {"update_rate": 0.2, "delete_rate": 0.05, **RATES},
                "columns": [
                    {"name": "date_key", "type": "ref.dim_date"},
                    {"name": "company_id", "type": "ref.dim_company"},
                    {"name": "engagement", "type": "metric.engagement"},
                    {"name": "mrr", "type": "metric.mrr"},
                ],
            }
        ],
        "events": [
            {
                "name": "evt_churn",
                "threshold": {"metric": "churn_risk", "above": 0.8, "for": 2},
                "ends_entity": True,
                "columns": [
                    {"name": "churn_id", "type": "id"},
                    {"name": "company_id", "type": "ref.dim_company"},
                    {"name": "date_key", "type": "ref.dim_date"},
                ],
            }
        ],
    }
    if grains:
        doc["facts"] += GRAIN_FACTS
    path = tmp_path / "cdc.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return create_from_yaml(path)
