"""Variable, child and sibling facts are byte-identical at any block size and worker count: their
rows and keys are made inside each key block (2,600 entities: three key blocks, the last partial)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from grains_tables import ITEMS, ORDERS, RETURNS, company_fact

import plotsim_dbt as ps

CONFIG = dict(
    about="grains determinism",
    unit="company",
    window=("2024-01", "2024-09"),
    seed=17,
    noise="realistic",
    metrics=[
        {"name": "engagement", "type": "score"},
        {"name": "order_value", "type": "amount", "range": [20, 400]},
        {"name": "returns_rate", "type": "score", "polarity": "negative"},
    ],
    segments=[
        {"name": "growing", "count": 1500, "archetype": "growth"},
        {"name": "fading", "count": 1100, "archetype": "decline", "arrival": {"kind": "uniform"}},
    ],
    dimensions=[{"name": "dim_company", "columns": [{"company_id": "id"}]}],
    facts=[
        company_fact("engagement", "order_value", "returns_rate"),
        ORDERS,
        ITEMS,
        RETURNS,
    ],
)
TABLES = ("fct_orders", "fct_items", "fct_returns")


def digest(directory: Path) -> dict[str, str]:
    return {name: hashlib.sha256((directory / f"{name}.parquet").read_bytes()).hexdigest() for name in TABLES}


def test_grain_tables_do_not_change_with_block_size_or_workers(tmp_path):
    config = ps.create(**CONFIG)
    runs = {
        (workers, size): ps.run(config, tmp_path / f"w{workers}_b{size}", workers=workers, block_size=size, format="parquet")
        for workers, size in ((1, 1024), (1, 4096), (2, 1024))
    }
    first, *others = (digest(result.directory) for result in runs.values())
    assert all(other == first for other in others)
    counts = next(iter(runs.values())).row_counts
    assert counts["fct_items"] > counts["fct_orders"] > counts["fct_returns"] > 0
