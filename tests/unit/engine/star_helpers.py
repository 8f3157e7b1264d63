"""The full declared star schema shared by the engine's star tests, and helpers reading its tables."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow

PERIODS = 12
WINDOW = ("2024-01", "2024-12")
SEGMENTS = [
    {"name": "grower", "count": 40, "archetype": "growth", "attributes": {"region": ["NA", "EU"], "rank": [1, 2, 3]}},
    {"name": "steady", "count": 30, "archetype": "plateau(level=0.05)", "attributes": {"region": "APAC"}},
    {"name": "faller", "count": 30, "archetype": "decline", "attributes": {"region": ["EU", "APAC"], "rank": 1}},
]
ENTITIES = sum(s["count"] for s in SEGMENTS)
METRICS = [
    {"name": "engagement", "type": "score"},
    {"name": "mrr", "type": "amount", "range": [100, 1000]},
    {"name": "tickets", "type": "count", "range": [0, 6]},
    {"name": "risk", "type": "score", "polarity": "negative"},
]
USERS_PER_ACCOUNT = 3
PLAN_ROWS = 6
LOGIN_SCALE = 4.0
TIERS = ["free", "starter", "pro"]
CUTS = [0.3, 0.7]

DIMENSIONS = [
    {
        "name": "dim_plan",
        "grain": "reference",
        "count": PLAN_ROWS,
        "columns": [
            {"plan_id": "id"},
            {"plan_name": "static.free,starter,pro,enterprise"},
            {"price": "static.0,49,199"},
            {"weight": "static.0.5,1,2.5"},
            {"seats": "range", "min": 1, "max": 50},
            {"discount": "range", "min": 0.05, "max": 0.5},
            {"owner": "name"},
            {"hq": "city"},
        ],
    },
    {
        "name": "dim_feature",
        "grain": "reference",
        "count": 8,
        "columns": [{"feature_id": "id"}, {"feature_name": "company"}],
    },
    {
        "name": "dim_account",
        "columns": [
            {"account_id": "id"},
            {"account_code": "entity_name"},
            {"segment": "segment"},
            {"segment_size": "segment.count"},
            {"region": "pool.region"},
            {"rank": "pool.rank"},
            {"employees": "range", "min": 1, "max": 9},
            {"health_score": "range", "min": 0.5, "max": 2},
            {"health": "bucket", "labels": ["low", "mid", "high"]},
            {"status": "static.active"},
            {"full_name": "name"},
            {"first": "first_name"},
            {"last": "last_name"},
            {"email": "email"},
            {"company": "company"},
            {"city": "city"},
            {"country": "country"},
            {"created_at": "timestamp"},
            {"plan_id": "ref.dim_plan"},
            {"name": "tier", "type": "scd", "tracks": "mrr", "tiers": TIERS, "at": CUTS},
        ],
    },
    {
        "name": "dim_user",
        "grain": "sub_entity",
        "count": USERS_PER_ACCOUNT,
        "columns": [
            {"user_id": "id"},
            {"account_id": "ref.dim_account"},
            {"user_name": "name"},
            {"user_email": "email"},
            {"region": "pool.region"},
            {"segment": "segment"},
            {"role": "static.admin,member"},
            {"signed_up_at": "timestamp"},
        ],
    },
]
FACTS = [
    {
        "name": "fct_activity",
        "columns": [
            {"date_key": "ref.dim_date"},
            {"account_id": "ref.dim_account"},
            {"engagement": "metric.engagement"},
            {"mrr": "metric.mrr"},
            {"tickets": "metric.tickets"},
            {"risk": "metric.risk"},
            {"engagement_2_ago": "lag.engagement:periods:2"},
            {"tickets_prev": "lag.tickets:periods:1"},
            {"activity": "bucket", "labels": ["dormant", "casual", "engaged", "devoted"]},
            {"region": "pool.region"},
            {"rank": "pool.rank"},
            {"segment": "segment"},
            {"snapshot_at": "timestamp"},
            {"channel": "static.web,app,phone"},
            {"quota": "static.100"},
            {"fx": "static.1.5,2"},
            {"discount": "range", "min": 0, "max": 0.3},
            {"plan_id": "ref.dim_plan"},
            {"user_id": "ref.dim_user"},
        ],
    }
]
EVENTS = [
    {
        "name": "evt_login",
        "proportional": {"driver": "engagement", "scale": LOGIN_SCALE},
        "columns": [
            {"login_id": "id"},
            {"account_id": "ref.dim_account"},
            {"user_id": "ref.dim_user"},
            {"date_key": "ref.dim_date"},
            {"logged_in_at": "timestamp"},
            {"engagement": "metric.engagement"},
            {"device": "static.ios,android,web"},
            {"plan_id": "ref.dim_plan"},
            {"region": "pool.region"},
            {"city": "city"},
        ],
    },
    {
        "name": "evt_power_user",
        "threshold": {"metric": "engagement", "above": 0.8, "for": 3},
        "columns": [
            {"power_id": "id"},
            {"account_id": "ref.dim_account"},
            {"date_key": "ref.dim_date"},
            {"engagement": "metric.engagement"},
            {"reached_at": "timestamp"},
        ],
    },
    {
        "name": "evt_safe",
        "threshold": {"metric": "risk", "below": 0.2, "for": 2},
        "columns": [
            {"safe_id": "id"},
            {"account_id": "ref.dim_account"},
            {"date_key": "ref.dim_date"},
            {"risk": "metric.risk"},
        ],
    },
]
BRIDGES = [
    {"name": "bridge_account_feature", "left": "dim_account", "right": "dim_feature", "cardinality": [0, 6], "driver": "engagement"},
    {"name": "bridge_account_plan", "left": "dim_account", "right": "dim_plan", "cardinality": [2, 2]},
]


def star_kwargs(**changes) -> dict:
    kw = dict(
        about="star schema",
        unit="account",
        window=WINDOW,
        seed=11,
        metrics=METRICS,
        segments=SEGMENTS,
        noise={"gaussian_sigma": 0.02, "mcar_rate": 0.05},
        dimensions=DIMENSIONS,
        facts=FACTS,
        events=EVENTS,
        bridges=BRIDGES,
    )
    kw.update(changes)
    return kw


def generate(**kw):
    cfg = ps.create(**kw)
    tables, state = generate_arrow(cfg)
    return cfg, tables, state


def col(table: pa.Table, name: str) -> np.ndarray:
    """A column as numpy; nulls of numeric columns become NaN."""
    array = table.column(name)
    if pa.types.is_integer(array.type) or pa.types.is_floating(array.type):
        return pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
    return np.asarray(array.to_pylist(), dtype=object)


def grid(fact: pa.Table, name: str) -> np.ndarray:
    """A fact column as [entities, periods] (fact rows are entity-major, period-minor)."""
    return col(fact, name).reshape(-1, PERIODS)


def own_positions(state) -> np.ndarray:
    """[entities, periods] every entity's own trajectory position (truth_trajectory), NaN before it arrives."""
    truth = state.truth["truth_trajectory"]
    out = np.full((state.plan.entity_count, state.plan.periods), np.nan)
    out[col(truth, "entity_id").astype(int) - 1, col(truth, "period_index").astype(int)] = col(truth, "position")
    return out
