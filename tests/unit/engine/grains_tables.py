"""The order tables the grain tests share: a per-period company fact, orders (a variable fact
driven by engagement), their items (a child fact whose line amounts split the order value) and
returns (a sibling fact against earlier orders)."""

from __future__ import annotations


def company_fact(*metrics: str) -> dict:
    """fct_company: one row per company and period with the given metric columns."""
    return {
        "name": "fct_company",
        "columns": [{"date_key": "ref.dim_date"}, {"company_id": "ref.dim_company"}, *({m: f"metric.{m}"} for m in metrics)],
    }


ORDERS = {
    "name": "fct_orders",
    "proportional": {"driver": "engagement", "scale": 3},
    "columns": [
        {"order_id": "id"},
        {"date_key": "ref.dim_date"},
        {"company_id": "ref.dim_company"},
        {"order_value": "metric.order_value"},
        {"ordered_at": "timestamp"},
    ],
}
ITEMS = {
    "name": "fct_items",
    "parent": "fct_orders",
    "children_per_row": [1, 4],
    "columns": [
        {"item_id": "id"},
        {"order_id": "ref.fct_orders"},
        {"date_key": "ref.dim_date"},
        {"company_id": "ref.dim_company"},
        {"line_amount": "share.order_value"},
    ],
}
RETURNS = {
    "name": "fct_returns",
    "proportional": {"driver": "returns_rate", "scale": 1},
    "columns": [{"return_id": "id"}, {"order_id": "ref.fct_orders"}, {"date_key": "ref.dim_date"}, {"company_id": "ref.dim_company"}],
}
