"""A small declared star schema carrying the issue-15 column kinds (narrative, geo, nested, dim_date columns)."""

from __future__ import annotations

import numpy as np

import plotsim_dbt as ps

PERIODS = 12
GROWERS, FALLERS = 120, 80
LEXICON = {
    "tone": {"low": ["a poor", "a bad"], "mid": ["an average", "a fair"], "high": ["a great", "an excellent"]},
    "close": {"low": ["sadly"], "mid": ["so so"], "high": ["thanks!"]},
}
BANDS = ["low", "mid", "high"]
SENTIMENT = {p: b for b, band in enumerate(BANDS) for p in LEXICON["tone"][band]}  # phrase -> band index


def breadth_kwargs(**changes) -> dict:
    kw = dict(
        about="issue 15 columns",
        unit="shop",
        window=("2024-01", "2024-12"),
        seed=5,
        metrics=[{"name": "visits", "type": "score"}, {"name": "sales", "type": "amount", "range": [10, 500]}],
        segments=[{"name": "rising", "count": GROWERS, "archetype": "growth"}, {"name": "falling", "count": FALLERS, "archetype": "decline"}],
        dimensions=[{"name": "dim_shop", "columns": [{"shop_id": "id"}, {"shop_name": "entity_name"}]}],
        facts=[
            {
                "name": "fct_shop",
                "columns": [
                    {"date_key": "ref.dim_date"},
                    {"shop_id": "ref.dim_shop"},
                    {"visits": "metric.visits"},
                    {"name": "review", "type": "narrative", "template": "{tone} month, {close}", "lexicons": {"default": LEXICON}},
                ],
            }
        ],
    )
    kw.update(changes)
    return kw


def breadth_config(**changes) -> ps.Config:
    return ps.create(**breadth_kwargs(**changes))


def own_positions(state) -> np.ndarray:
    """[entities, periods] every entity's trajectory position (truth_trajectory), NaN before it arrives."""
    truth = state.truth["truth_trajectory"]
    out = np.full((state.plan.entity_count, state.plan.periods), np.nan)
    entity = truth.column("entity_id").to_numpy().astype(int) - 1
    out[entity, truth.column("period_index").to_numpy().astype(int)] = truth.column("position").to_numpy()
    return out
