"""Declared star schemas: every column type, SCD2 versions, bridges, events and determinism.

Each test generates a small warehouse with a fixed seed and checks the generated tables against
values recomputed independently from other tables of the same run (the fact's realised metric
values, the plan's trajectory positions, the period axis), so the assertions do not depend on
what the random draws happen to be.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

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


@pytest.fixture(scope="module")
def star():
    cfg = ps.create(**star_kwargs())
    tables, state = generate_arrow(cfg)
    return cfg, tables, state


# ------------------------------------------------------------------------------------------ helpers


def col(table: pa.Table, name: str) -> np.ndarray:
    """A column as numpy; nulls of numeric columns become NaN."""
    array = table.column(name)
    if pa.types.is_integer(array.type) or pa.types.is_floating(array.type):
        return pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
    return np.asarray(array.to_pylist(), dtype=object)


def grid(fact: pa.Table, name: str) -> np.ndarray:
    """A fact column as [entities, periods] (fact rows are entity-major, period-minor)."""
    return col(fact, name).reshape(-1, PERIODS)


def current_rows(dim: pa.Table) -> pa.Table:
    """One row per entity of an SCD2 dimension."""
    return dim.filter(pc.field("is_current"))


def period_starts(tables) -> dict[int, np.datetime64]:
    dates = tables["dim_date"].column("date").to_numpy().astype("datetime64[D]")
    keys = tables["dim_date"].column("date_key").to_pylist()
    return dict(zip(keys, dates))


def next_month(day: np.datetime64) -> np.datetime64:
    return (day.astype("datetime64[M]") + 1).astype("datetime64[D]")


# ------------------------------------------------------------------------------------------ keys and references


def test_table_order_and_row_counts(star):
    _, tables, _ = star
    assert list(tables) == [
        "dim_date", "dim_plan", "dim_feature", "dim_account", "dim_user", "fct_activity",
        "evt_login", "evt_power_user", "evt_safe", "bridge_account_feature", "bridge_account_plan",
    ]
    assert tables["dim_date"].num_rows == PERIODS
    assert tables["dim_plan"].num_rows == PLAN_ROWS
    assert tables["dim_feature"].num_rows == 8
    assert current_rows(tables["dim_account"]).num_rows == ENTITIES
    assert tables["dim_user"].num_rows == ENTITIES * USERS_PER_ACCOUNT
    assert tables["fct_activity"].num_rows == ENTITIES * PERIODS


def test_id_columns_number_rows_from_one(star):
    _, tables, _ = star
    assert tables["dim_plan"].column("plan_id").to_pylist() == list(range(1, PLAN_ROWS + 1))
    assert tables["dim_feature"].column("feature_id").to_pylist() == list(range(1, 9))
    assert current_rows(tables["dim_account"]).column("account_id").to_pylist() == list(range(1, ENTITIES + 1))
    for name, key in (("evt_login", "login_id"), ("evt_power_user", "power_id"), ("evt_safe", "safe_id")):
        assert tables[name].column(key).type == pa.int64()
        assert tables[name].column(key).to_pylist() == list(range(1, tables[name].num_rows + 1))


def test_sub_entity_ids_are_entity_times_count_plus_j_and_point_at_their_entity(star):
    _, tables, _ = star
    users = tables["dim_user"]
    entity = np.repeat(np.arange(ENTITIES), USERS_PER_ACCOUNT)
    j = np.tile(np.arange(USERS_PER_ACCOUNT), ENTITIES)
    assert col(users, "user_id").tolist() == (entity * USERS_PER_ACCOUNT + j + 1).tolist()
    assert col(users, "account_id").tolist() == (entity + 1).tolist()


def test_fact_refs_to_dim_date_and_the_entity_are_the_rows_period_and_entity(star):
    _, tables, _ = star
    fact = tables["fct_activity"]
    date_keys = tables["dim_date"].column("date_key").to_numpy()
    assert fact.column("date_key").type == pa.int32()
    assert fact.column("date_key").to_numpy().tolist() == np.tile(date_keys, ENTITIES).tolist()
    assert col(fact, "account_id").tolist() == np.repeat(np.arange(1, ENTITIES + 1), PERIODS).tolist()
    # Facts carry their period's start as timestamp.
    starts = period_starts(tables)
    snapshot = fact.column("snapshot_at").to_numpy().astype("datetime64[D]")
    assert (snapshot == np.array([starts[k] for k in fact.column("date_key").to_pylist()])).all()
    assert (fact.column("snapshot_at").to_numpy() == snapshot.astype("datetime64[us]")).all()


def test_sub_entity_refs_from_a_fact_and_an_event_pick_a_user_of_the_same_entity(star):
    _, tables, _ = star
    for name in ("fct_activity", "evt_login"):
        table = tables[name]
        account, user = col(table, "account_id"), col(table, "user_id")
        first = (account - 1) * USERS_PER_ACCOUNT + 1
        assert ((user >= first) & (user < first + USERS_PER_ACCOUNT)).all(), name
        # Every slot j is used, so the pick is not stuck on one user.
        assert set((user - first).astype(int)) == set(range(USERS_PER_ACCOUNT))


def test_reference_refs_stay_within_the_reference_rows_and_use_them_all(star):
    _, tables, _ = star
    for name in ("dim_account", "fct_activity", "evt_login"):
        values = set(col(tables[name], "plan_id").astype(int))
        assert tables[name].num_rows > 100
        assert values == set(range(1, PLAN_ROWS + 1)), name  # within 1..rows, and every row is used


def test_event_rows_carry_the_date_key_and_metric_of_their_period(star):
    _, tables, _ = star
    fact = tables["fct_activity"]
    keys = tables["dim_date"].column("date_key").to_pylist()
    period = {k: i for i, k in enumerate(keys)}
    engagement = grid(fact, "engagement")
    for name in ("evt_login", "evt_power_user"):
        event = tables[name]
        p = np.array([period[k] for k in event.column("date_key").to_pylist()])
        e = col(event, "account_id").astype(int) - 1
        assert np.array_equal(col(event, "engagement"), engagement[e, p], equal_nan=True), name


# ------------------------------------------------------------------------------------------ metrics and lags


def test_metric_columns_equal_the_automatic_schema_with_the_same_seed(star):
    cfg, tables, _ = star
    auto_cfg = ps.create(**{k: v for k, v in star_kwargs().items() if k not in ("dimensions", "facts", "events", "bridges")})
    auto, _ = generate_arrow(auto_cfg)
    assert list(auto) == ["dim_date", "dim_account", "fct_account"]
    auto_fact, fact = auto["fct_account"], tables["fct_activity"]
    assert auto_fact.column("date_key").equals(fact.column("date_key"))
    assert auto_fact.column("account_id").equals(fact.column("account_id"))
    for metric in ("engagement", "mrr", "tickets", "risk"):
        assert auto_fact.column(metric).equals(fact.column(metric)), metric
    assert fact.column("tickets").type == pa.int64()  # count metrics are integers
    assert fact.column("engagement").type == pa.float64()
    # mcar_rate leaves some cells NULL, in the same places in both schemas.
    assert fact.column("engagement").null_count > 0


def test_lag_is_the_value_n_periods_earlier_and_null_for_the_first_n(star):
    _, tables, _ = star
    fact = tables["fct_activity"]
    for lag_col, metric, n in (("engagement_2_ago", "engagement", 2), ("tickets_prev", "tickets", 1)):
        assert fact.column(lag_col).type == fact.column(metric).type
        lagged, source = grid(fact, lag_col), grid(fact, metric)
        assert np.isnan(lagged[:, :n]).all()
        assert np.array_equal(lagged[:, n:], source[:, :-n], equal_nan=True)
        assert fact.column(lag_col).null_count >= ENTITIES * n


# ------------------------------------------------------------------------------------------ static, pool, range


def test_static_lists_cycle_over_reference_rows_with_typed_columns(star):
    _, tables, _ = star
    plan = tables["dim_plan"]
    assert plan.column("plan_name").to_pylist() == ["free", "starter", "pro", "enterprise", "free", "starter"]
    assert plan.column("price").type == pa.int64()
    assert plan.column("price").to_pylist() == [0, 49, 199, 0, 49, 199]
    assert plan.column("weight").type == pa.float64()
    assert plan.column("weight").to_pylist() == [0.5, 1.0, 2.5, 0.5, 1.0, 2.5]


def test_single_static_values_are_constant_and_lists_pick_from_the_list(star):
    _, tables, _ = star
    dim = tables["dim_account"]
    assert dim.column("status").type == pa.string()
    assert set(dim.column("status").to_pylist()) == {"active"}
    fact = tables["fct_activity"]
    assert fact.column("quota").type == pa.int64() and set(fact.column("quota").to_pylist()) == {100}
    assert fact.column("fx").type == pa.float64() and set(fact.column("fx").to_pylist()) == {1.5, 2.0}
    assert set(fact.column("channel").to_pylist()) == {"web", "app", "phone"}
    assert set(tables["evt_login"].column("device").to_pylist()) == {"ios", "android", "web"}
    assert set(tables["dim_user"].column("role").to_pylist()) == {"admin", "member"}


def test_pool_columns_hold_the_segment_attribute_and_agree_across_tables(star):
    cfg, tables, state = star
    dim = current_rows(tables["dim_account"])
    segment = state.plan.entity_segment
    region = dict(zip(col(dim, "account_id").astype(int), col(dim, "region")))
    for s, spec in enumerate(SEGMENTS):
        allowed = spec["attributes"]["region"]
        allowed = set(allowed) if isinstance(allowed, list) else {allowed}
        values = {region[e + 1] for e in np.flatnonzero(segment == s)}
        assert values <= allowed, spec["name"]
        if len(allowed) > 1:
            assert values == allowed, spec["name"]  # the list is drawn from, not stuck on one value
    for name in ("dim_account", "dim_user", "fct_activity", "evt_login"):
        table = tables[name]
        expected = [region[int(e)] for e in col(table, "account_id")]
        assert col(table, "region").tolist() == expected, name
    # The automatic schema reads the same attribute stream: the same entity, the same region.
    auto, _ = generate_arrow(ps.create(**{k: v for k, v in star_kwargs().items() if k not in ("dimensions", "facts", "events", "bridges")}))
    assert auto["dim_account"].column("region").to_pylist() == dim.column("region").to_pylist()


def test_pool_of_integers_is_int64_and_null_where_the_segment_lacks_it(star):
    _, tables, state = star
    dim = current_rows(tables["dim_account"])
    assert dim.column("rank").type == pa.int64()
    rank = dim.column("rank").to_pylist()
    segment = state.plan.entity_segment
    assert {rank[e] for e in np.flatnonzero(segment == 0)} == {1, 2, 3}
    assert {rank[e] for e in np.flatnonzero(segment == 1)} == {None}
    assert {rank[e] for e in np.flatnonzero(segment == 2)} == {1}
    fact = tables["fct_activity"]
    assert fact.column("rank").to_pylist() == [rank[int(e) - 1] for e in col(fact, "account_id")]


@pytest.mark.parametrize(
    "table, column, low, high, integer",
    [
        ("dim_account", "employees", 1, 9, True),
        ("dim_account", "health_score", 0.5, 2.0, False),
        ("dim_plan", "seats", 1, 50, True),
        ("dim_plan", "discount", 0.05, 0.5, False),
        ("fct_activity", "discount", 0.0, 0.3, False),
    ],
)
def test_range_columns_stay_within_bounds_with_the_bounds_type(star, table, column, low, high, integer):
    _, tables, _ = star
    array = tables[table].column(column)
    assert array.type == (pa.int64() if integer else pa.float64())
    assert array.null_count == 0
    values = np.asarray(array.to_pylist())
    assert values.min() >= low and values.max() <= high
    if integer and table == "dim_account":
        assert set(values.tolist()) == set(range(low, high + 1))  # inclusive at both ends
    if not integer and len(values) > 100:
        assert len(set(values.tolist())) > len(values) // 2  # continuous, not a few steps


# ------------------------------------------------------------------------------------------ bucket, timestamp, names


def test_bucket_labels_follow_the_trajectory_position(star):
    _, tables, state = star
    plan = state.plan
    labels = ["dormant", "casual", "engaged", "devoted"]
    fact = tables["fct_activity"]
    index = np.vectorize(labels.index)(col(fact, "activity")).reshape(-1, PERIODS)
    position = plan.positions[plan.entity_segment]  # [entities, periods]
    expected = np.minimum((np.clip(position, 0, 1) * len(labels)).astype(int), len(labels) - 1)
    assert (index == expected).all()
    grower = plan.entity_segment == 0
    faller = plan.entity_segment == 2
    assert (index[grower, -1] > index[grower, 0]).all()  # a growth segment ends on higher labels
    assert (index[grower, -3:].min() > index[grower, :3].max())
    assert (index[faller, -1] < index[faller, 0]).all()
    # A dimension has no period: it reads the entity's mean position over the window.
    dim = current_rows(tables["dim_account"])
    dim_labels = ["low", "mid", "high"]
    mean = plan.positions.mean(axis=1)[plan.entity_segment]
    expected_dim = np.minimum((mean * 3).astype(int), 2)
    assert [dim_labels.index(v) for v in dim.column("health").to_pylist()] == expected_dim.tolist()


def test_event_timestamps_fall_inside_their_period(star):
    _, tables, _ = star
    starts = period_starts(tables)
    for name, column in (("evt_login", "logged_in_at"), ("evt_power_user", "reached_at")):
        event = tables[name]
        assert event.column(column).type == pa.timestamp("us")
        stamp = event.column(column).to_numpy()
        begin = np.array([starts[k] for k in event.column("date_key").to_pylist()]).astype("datetime64[us]")
        end = np.array([next_month(starts[k]) for k in event.column("date_key").to_pylist()]).astype("datetime64[us]")
        assert ((stamp >= begin) & (stamp < end)).all(), name
        assert (stamp > begin).mean() > 0.9  # spread inside the period, not pinned to its start


def test_dimension_timestamps_fall_inside_the_first_period(star):
    _, tables, _ = star
    first = np.datetime64("2024-01-01", "us")
    for name, column in (("dim_account", "created_at"), ("dim_user", "signed_up_at")):
        stamp = tables[name].column(column).to_numpy()
        assert ((stamp >= first) & (stamp < np.datetime64("2024-02-01", "us"))).all(), name


def test_segment_segment_count_and_entity_name(star):
    _, tables, _ = star
    dim = current_rows(tables["dim_account"])
    names = [s["name"] for s in SEGMENTS]
    counts = [s["count"] for s in SEGMENTS]
    segment = np.repeat(np.arange(len(SEGMENTS)), counts)
    assert dim.column("segment").to_pylist() == [names[s] for s in segment]
    assert dim.column("segment_size").type == pa.int64()
    assert dim.column("segment_size").to_pylist() == [counts[s] for s in segment]
    within = np.concatenate([np.arange(1, c + 1) for c in counts])
    assert dim.column("account_code").to_pylist() == [f"{names[s]}_{n:04d}" for s, n in zip(segment, within)]
    assert dim.column("account_code").to_pylist()[:2] == ["grower_0001", "grower_0002"]
    users = tables["dim_user"]
    assert users.column("segment").to_pylist() == [names[s] for s in np.repeat(segment, USERS_PER_ACCOUNT)]
    assert tables["fct_activity"].column("segment").to_pylist() == [names[s] for s in np.repeat(segment, PERIODS)]


@pytest.mark.parametrize(
    "table, column",
    [
        ("dim_account", "full_name"), ("dim_account", "first"), ("dim_account", "last"), ("dim_account", "email"),
        ("dim_account", "company"), ("dim_account", "city"), ("dim_account", "country"),
        ("dim_user", "user_name"), ("dim_user", "user_email"), ("dim_plan", "owner"), ("dim_plan", "hq"),
        ("evt_login", "city"),
    ],
)
def test_realistic_columns_are_non_empty_strings(star, table, column):
    _, tables, _ = star
    array = tables[table].column(column)
    assert array.type == pa.string()
    assert array.null_count == 0
    assert pc.min(pc.utf8_length(array)).as_py() > 0
    if array.length() >= 50:
        assert len(set(array.to_pylist())) > array.length() // 5  # drawn, not a constant


@pytest.mark.parametrize("table, name, email", [("dim_account", "full_name", "email"), ("dim_user", "user_name", "user_email")])
def test_a_rows_email_belongs_to_the_person_named_in_the_same_row(star, table, name, email):
    _, tables, _ = star
    rows = tables[table]
    for full, mail in zip(rows.column(name).to_pylist(), rows.column(email).to_pylist()):
        first = re.sub(r"[^a-z0-9]", "", full.split(" ")[0].lower())
        last = re.sub(r"[^a-z0-9]", "", full.split(" ", 1)[1].lower())
        assert re.fullmatch(r"[a-z0-9.]+@[a-z0-9.-]+\.[a-z]+", mail), mail
        assert mail.startswith(f"{first}.{last}"), (full, mail)


def test_first_and_last_name_columns_describe_the_same_person_as_name(star):
    _, tables, _ = star
    dim = tables["dim_account"]
    full = dim.column("full_name").to_pylist()
    assert full == [f"{f} {l}" for f, l in zip(dim.column("first").to_pylist(), dim.column("last").to_pylist())]


# ------------------------------------------------------------------------------------------ SCD2


def scd_kwargs(segments, *, tiers=TIERS, at=CUTS, open_end=None, noise=None, seed=5, **options) -> dict:
    dim = {
        "name": "dim_account",
        "columns": [
            {"account_id": "id"},
            {"segment": "segment"},
            {"name": "tier", "type": "scd", "tracks": "level", "tiers": tiers, "at": at, **options},
        ],
    }
    if open_end is not None:
        dim["open_end"] = open_end
    return dict(
        about="scd",
        unit="account",
        window=WINDOW,
        seed=seed,
        metrics=[{"name": "level", "type": "score"}, {"name": "other", "type": "amount", "range": [10, 20]}],
        segments=segments,
        noise=noise or {},
        dimensions=[dim],
        facts=[
            {
                "name": "fct_level",
                "columns": [{"date_key": "ref.dim_date"}, {"account_id": "ref.dim_account"}, {"level": "metric.level"}],
            },
            {"name": "fct_other", "columns": [{"date_key": "ref.dim_date"}, {"account_id": "ref.dim_account"}, {"other": "metric.other"}]},
        ],
        events=[
            {
                "name": "evt_visit",
                "proportional": {"driver": "level", "scale": 2},
                "columns": [{"visit_id": "id"}, {"account_id": "ref.dim_account"}, {"date_key": "ref.dim_date"}],
            }
        ],
    )


SCD_SEGMENTS = [
    {"name": "climber", "count": 60, "archetype": "growth"},
    {"name": "low", "count": 40, "archetype": "plateau(level=0.05)"},
    {"name": "faller", "count": 40, "archetype": "decline"},
]


def generate(**kw):
    cfg = ps.create(**kw)
    tables, state = generate_arrow(cfg)
    return cfg, tables, state


def versions_by_entity(dim: pa.Table) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for row in dim.to_pylist():
        out.setdefault(row["account_id"], []).append(row)
    return out


def band(level: np.ndarray, at=CUTS) -> np.ndarray:
    """Tier index of each cell from the realised score (range [0, 1])."""
    return np.searchsorted(np.asarray(at), level, side="right")


def start_periods(versions: list[dict], dates: list[dt.date]) -> list[int]:
    return [dates.index(v["valid_from"]) for v in versions]


@pytest.fixture(scope="module")
def scd_run():
    return generate(**scd_kwargs(SCD_SEGMENTS))


def test_scd_versions_follow_the_running_maximum_of_the_tracked_metrics_tier(scd_run):
    _, tables, _ = scd_run
    level = grid(tables["fct_level"], "level")
    dates = tables["dim_date"].column("date").to_pylist()
    expected = np.maximum.accumulate(band(level), axis=1)  # monotonic, hold 1
    for entity, versions in versions_by_entity(tables["dim_account"]).items():
        path = expected[entity - 1]
        starts = [0] + [t for t in range(1, PERIODS) if path[t] != path[t - 1]]
        assert start_periods(versions, dates) == starts, entity
        assert [v["tier"] for v in versions] == [TIERS[path[t]] for t in starts], entity


def test_a_flat_low_entity_whose_metric_never_crosses_a_cut_has_one_open_version(scd_run):
    _, tables, state = scd_run
    level = grid(tables["fct_level"], "level")
    by_entity = versions_by_entity(tables["dim_account"])
    low = np.flatnonzero(state.plan.entity_segment == 1)
    never = [e for e in low if (level[e] < CUTS[0]).all()]
    assert len(never) >= 0.9 * len(low)  # position 0.05: a crossing is a rare tail draw
    for e in never:
        (version,) = by_entity[e + 1]
        assert version["tier"] == TIERS[0]
        assert version["is_current"] is True and version["valid_to"] is None
        assert version["valid_from"] == dt.date(2024, 1, 1)


def test_a_rising_entity_climbs_every_tier_in_order(scd_run):
    _, tables, state = scd_run
    by_entity = versions_by_entity(tables["dim_account"])
    climbers = np.flatnonzero(state.plan.entity_segment == 0)
    full = 0
    for e in climbers:
        labels = [v["tier"] for v in by_entity[e + 1]]
        assert [TIERS.index(x) for x in labels] == sorted({TIERS.index(x) for x in labels}), labels  # only upward
        assert labels[-1] == TIERS[-1]  # a growth trajectory ends at the top
        full += labels == TIERS
    assert full >= 0.9 * len(climbers)  # almost all pass through every tier (a tail draw may skip one)
    # An entity that starts on top never moves with monotonic tiers.
    for e in np.flatnonzero(state.plan.entity_segment == 2):
        assert [v["tier"] for v in by_entity[e + 1]] == [TIERS[-1]]


def test_versions_are_contiguous_with_one_current_row_and_row_ids_in_entity_order(scd_run):
    _, tables, _ = scd_run
    dim = tables["dim_account"]
    assert dim.column("dim_row_id").to_pylist() == list(range(1, dim.num_rows + 1))
    ids = dim.column("account_id").to_pylist()
    assert ids == sorted(ids)
    for versions in versions_by_entity(dim).values():
        assert sum(v["is_current"] for v in versions) == 1
        assert versions[-1]["is_current"] and versions[-1]["valid_to"] is None
        assert versions[0]["valid_from"] == dt.date(2024, 1, 1)
        for a, b in zip(versions, versions[1:]):
            assert a["valid_to"] == b["valid_from"] and not a["is_current"]
            assert a["valid_from"] < a["valid_to"]


def test_fact_and_event_dim_row_id_is_the_version_in_force_at_the_rows_date(scd_run):
    _, tables, _ = scd_run
    dim = tables["dim_account"]
    date_of = dict(zip(tables["dim_date"].column("date_key").to_pylist(), tables["dim_date"].column("date").to_pylist()))
    version = {r["dim_row_id"]: r for r in dim.to_pylist()}
    changed = 0
    for name in ("fct_level", "fct_other", "evt_visit"):
        table = tables[name]
        assert table.column("dim_row_id").type == pa.int64()
        for row in table.select(["date_key", "account_id", "dim_row_id"]).to_pylist():
            v = version[row["dim_row_id"]]
            day = date_of[row["date_key"]]
            assert v["account_id"] == row["account_id"]
            assert v["valid_from"] <= day and (v["valid_to"] is None or day < v["valid_to"])
            changed += v["valid_from"] > dt.date(2024, 1, 1)
    assert changed > 0  # rows really point past the first version


def test_open_end_9999_changes_only_the_valid_to_of_current_rows(scd_run):
    _, tables, state = scd_run
    _, other, other_state = generate(**scd_kwargs(SCD_SEGMENTS, open_end="9999-12-31"))
    assert list(other) == list(tables)
    for name in tables:
        if name != "dim_account":
            assert other[name].equals(tables[name]), name
    dim, dim_9999 = tables["dim_account"], other["dim_account"]
    for column in dim.column_names:
        if column != "valid_to":
            assert dim_9999.column(column).equals(dim.column(column)), column
    current = dim.column("is_current").to_pylist()
    for is_current, a, b in zip(current, dim.column("valid_to").to_pylist(), dim_9999.column("valid_to").to_pylist()):
        assert b == (dt.date(9999, 12, 31) if is_current else a)
        assert (a is None) == is_current
    assert dim_9999.column("valid_to").null_count == 0
    assert other_state.scd.versions.equals(state.scd.versions)  # the truth keeps NULL for open rows


def test_non_monotonic_tiers_fall_back_with_the_metric():
    _, tables, state = generate(**scd_kwargs(SCD_SEGMENTS, monotonic=False))
    level = grid(tables["fct_level"], "level")
    dates = tables["dim_date"].column("date").to_pylist()
    by_entity = versions_by_entity(tables["dim_account"])
    expected = band(level)  # hold 1: the tier is the band of every period
    for entity, versions in by_entity.items():
        path = expected[entity - 1]
        starts = [0] + [t for t in range(1, PERIODS) if path[t] != path[t - 1]]
        assert start_periods(versions, dates) == starts
        assert [v["tier"] for v in versions] == [TIERS[path[t]] for t in starts]
    fallers = np.flatnonzero(state.plan.entity_segment == 2)
    for e in fallers:
        index = [TIERS.index(v["tier"]) for v in by_entity[e + 1]]
        assert index[0] == len(TIERS) - 1 and index[-1] < max(index)  # a decline ends below its peak


def test_hold_suppresses_short_versions():
    segments = [{"name": "wobbly", "count": 80, "archetype": "plateau(level=0.5)"}, *SCD_SEGMENTS[:1]]
    noisy = dict(tiers=["a", "b"], at=[0.5], monotonic=False)
    _, flappy, _ = generate(**scd_kwargs(segments, **noisy))
    _, held, _ = generate(**scd_kwargs(segments, hold=3, **noisy))
    level = grid(held["fct_level"], "level")
    dates = held["dim_date"].column("date").to_pylist()
    by_entity = versions_by_entity(held["dim_account"])
    assert held["dim_account"].num_rows < flappy["dim_account"].num_rows
    assert max(len(v) for v in versions_by_entity(flappy["dim_account"]).values()) > 3  # hold 1 flaps
    moved = 0
    for entity, versions in by_entity.items():
        starts = start_periods(versions, dates) + [PERIODS]
        lengths = np.diff(starts)
        assert (lengths[:-1] >= 3).all(), (entity, starts)  # only the current version may be shorter
        for v, t in zip(versions[1:], starts[1:-1]):
            # A new version starts once its band has held for the last 3 periods.
            assert (band(level[entity - 1, t - 2 : t + 1], [0.5]) == ["a", "b"].index(v["tier"])).all()
            moved += 1
    assert moved > 0


def test_truth_scd_events_record_each_version_change(scd_run):
    _, tables, state = scd_run
    dim = tables["dim_account"]
    events = state.scd.events
    rows = {r["dim_row_id"]: r for r in dim.to_pylist()}
    assert events.num_rows == dim.num_rows - len(versions_by_entity(dim)) > 0
    level = grid(tables["fct_level"], "level")
    keys = tables["dim_date"].column("date_key").to_pylist()
    bounds = [-np.inf, *CUTS, np.inf]
    for e in events.to_pylist():
        old, new = rows[e["old_dim_row_id"]], rows[e["new_dim_row_id"]]
        assert e["dim_table"] == "dim_account"
        assert e["new_dim_row_id"] == e["old_dim_row_id"] + 1
        assert old["account_id"] == new["account_id"] == e["entity_id"]
        assert (e["old_label"], e["new_label"]) == (old["tier"], new["tier"])
        assert old["valid_to"] == new["valid_from"] and keys[e["period_index"]] == e["date_key"]
        assert new["valid_from"].strftime("%Y%m%d") == str(e["date_key"])
        tier = TIERS.index(e["new_label"])
        assert bounds[tier] <= e["trigger_position"] < bounds[tier + 1]  # the metric sits in the new tier's band
        assert e["trigger_position"] == pytest.approx(level[e["entity_id"] - 1, e["period_index"]])


def test_truth_scd_versions_equal_the_dimension_rows(scd_run):
    _, tables, state = scd_run
    dim, truth = tables["dim_account"], state.scd.versions
    assert truth.num_rows == dim.num_rows
    assert set(truth.column("dim_table").to_pylist()) == {"dim_account"}
    assert truth.column("entity_id").equals(dim.column("account_id"))
    for column in ("dim_row_id", "valid_from", "valid_to", "is_current"):
        assert truth.column(column).equals(dim.column(column)), column
    assert truth.column("label").equals(dim.column("tier"))
    dates = tables["dim_date"].column("date").to_pylist()
    assert [dates[i] for i in truth.column("from_period_index").to_pylist()] == dim.column("valid_from").to_pylist()


def test_scd_in_the_full_star_passes_the_same_join(star):
    _, tables, _ = star
    dim = tables["dim_account"]
    assert dim.num_rows > ENTITIES  # the mrr ladder produced changes
    date_of = dict(zip(tables["dim_date"].column("date_key").to_pylist(), tables["dim_date"].column("date").to_pylist()))
    version = {r["dim_row_id"]: r for r in dim.select(["dim_row_id", "account_id", "valid_from", "valid_to"]).to_pylist()}
    for name in ("fct_activity", "evt_login", "evt_power_user", "evt_safe"):
        for row in tables[name].select(["date_key", "account_id", "dim_row_id"]).to_pylist():
            v = version[row["dim_row_id"]]
            day = date_of[row["date_key"]]
            assert v["account_id"] == row["account_id"] and v["valid_from"] <= day
            assert v["valid_to"] is None or day < v["valid_to"]
    # Dimension attributes repeat unchanged on every version of an entity.
    by_entity = versions_by_entity(dim)
    for versions in by_entity.values():
        for column in ("account_code", "full_name", "email", "region", "employees", "plan_id", "created_at"):
            assert len({v[column] for v in versions}) == 1, column


# ------------------------------------------------------------------------------------------ bridges


def links_per_entity(bridge: pa.Table, key: str = "account_id") -> np.ndarray:
    counts = np.zeros(ENTITIES, dtype=int)
    np.add.at(counts, col(bridge, key).astype(int) - 1, 1)
    return counts


def test_bridge_link_counts_stay_within_cardinality_without_duplicates(star):
    _, tables, _ = star
    feature = tables["bridge_account_feature"]
    assert feature.column_names == ["account_id", "feature_id"]
    counts = links_per_entity(feature)
    assert counts.min() >= 0 and counts.max() <= 6
    assert (counts == 0).any() and counts.max() > 0  # min 0 is reachable, the bridge is not empty
    plan = tables["bridge_account_plan"]
    assert (links_per_entity(plan) == 2).all()  # min == max: exactly that many
    for bridge, right, rows in ((feature, "feature_id", 8), (plan, "plan_id", PLAN_ROWS)):
        pairs = list(zip(bridge.column("account_id").to_pylist(), bridge.column(right).to_pylist()))
        assert len(set(pairs)) == len(pairs)
        assert {r for _, r in pairs} <= set(range(1, rows + 1))
        assert pairs == sorted(pairs)  # by entity, then target


def test_bridge_link_count_follows_the_driver_level(star):
    _, tables, _ = star
    engagement = grid(tables["fct_activity"], "engagement")
    level = np.clip(np.nanmean(engagement, axis=1), 0, 1)  # mean observed value on the range [0, 1]
    counts = links_per_entity(tables["bridge_account_feature"])
    assert counts.tolist() == np.rint(6 * level).astype(int).tolist()
    by_level = counts[np.argsort(level, kind="stable")]
    assert (np.diff(by_level) >= 0).all()  # a higher driver level never holds fewer links


def test_a_rising_segment_holds_more_links_than_a_falling_one():
    segments = [
        {"name": "grower", "count": 60, "archetype": "sigmoid(midpoint=0.2)"},
        {"name": "faller", "count": 60, "archetype": "exp_decay(rate=4)"},
    ]
    kw = star_kwargs(segments=segments, noise={"gaussian_sigma": 0.05})
    kw["dimensions"] = [d for d in DIMENSIONS if d["name"] in ("dim_feature", "dim_account")]
    kw["dimensions"][1] = {**kw["dimensions"][1], "columns": [{"account_id": "id"}]}
    kw["facts"] = [{"name": "fct_a", "columns": [{"date_key": "ref.dim_date"}, {"account_id": "ref.dim_account"}, {"engagement": "metric.engagement"}]}]
    kw["events"] = []
    kw["bridges"] = [{"name": "b", "left": "dim_account", "right": "dim_feature", "cardinality": [0, 8], "driver": "engagement"}]
    _, tables, state = generate(**kw)
    counts = np.bincount(col(tables["b"], "account_id").astype(int) - 1, minlength=120)
    segment = state.plan.entity_segment
    grower, faller = counts[segment == 0], counts[segment == 1]
    se = np.sqrt(grower.var(ddof=1) / len(grower) + faller.var(ddof=1) / len(faller))
    assert grower.mean() - faller.mean() > max(6 * se, 1.0)


def test_bridge_without_driver_reads_the_mean_trajectory_position():
    segments = [
        {"name": "grower", "count": 40, "archetype": "growth", "attributes": {"region": "NA", "rank": 1}},
        {"name": "faller", "count": 40, "archetype": "decline", "attributes": {"region": "EU"}},
        {"name": "high", "count": 20, "archetype": "plateau(level=0.9)", "attributes": {"region": "NA"}},
    ]
    kw = star_kwargs(segments=segments, noise={})
    kw["bridges"] = [{"name": "bridge_account_feature", "left": "dim_account", "right": "dim_feature", "cardinality": [1, 7]}]
    _, tables, state = generate(**kw)
    counts = links_per_entity(tables["bridge_account_feature"])
    plan = state.plan
    mean = plan.positions.mean(axis=1)[plan.entity_segment]
    assert counts.tolist() == np.rint(1 + 6 * mean).astype(int).tolist()
    assert counts[plan.entity_segment == 2].min() > counts[plan.entity_segment == 1].max()


def test_bridge_truth_equals_the_bridge_tables(star):
    _, tables, state = star
    links = state.bridges.links
    expected = []
    for name, right in (("bridge_account_feature", "feature_id"), ("bridge_account_plan", "plan_id")):
        table = tables[name]
        expected += [(name, a, b) for a, b in zip(table.column("account_id").to_pylist(), table.column(right).to_pylist())]
    got = list(zip(links.column("bridge").to_pylist(), links.column("left_id").to_pylist(), links.column("right_id").to_pylist()))
    assert got == expected


# ------------------------------------------------------------------------------------------ events


def test_proportional_rows_per_cell_are_the_rounded_driver_times_scale(star):
    _, tables, _ = star
    engagement = grid(tables["fct_activity"], "engagement")
    expected = np.rint(np.nan_to_num(engagement, nan=0.0) * LOGIN_SCALE).astype(int)
    keys = tables["dim_date"].column("date_key").to_pylist()
    event = tables["evt_login"]
    got = np.zeros((ENTITIES, PERIODS), dtype=int)
    periods = np.array([keys.index(k) for k in event.column("date_key").to_pylist()])
    np.add.at(got, (col(event, "account_id").astype(int) - 1, periods), 1)
    assert (got == expected).all()
    assert np.isnan(engagement).any() and (got[np.isnan(engagement)] == 0).all()  # missing driver: no rows
    # Rows come grouped by entity, then period.
    order = list(zip(col(event, "account_id"), periods))
    assert order == sorted(order)


def first_streak(series: np.ndarray, hit: np.ndarray, n: int) -> np.ndarray:
    """Per entity, the period where ``hit`` has held for n consecutive periods first, or -1."""
    out = np.full(len(series), -1)
    for e in range(len(series)):
        run = 0
        for t in range(series.shape[1]):
            run = run + 1 if hit[e, t] else 0
            if run == n:
                out[e] = t
                break
    return out


@pytest.mark.parametrize(
    "event, metric, side, value, n",
    [("evt_power_user", "engagement", "above", 0.8, 3), ("evt_safe", "risk", "below", 0.2, 2)],
)
def test_threshold_events_fire_once_at_the_first_long_enough_streak(star, event, metric, side, value, n):
    _, tables, _ = star
    series = grid(tables["fct_activity"], metric)
    with np.errstate(invalid="ignore"):
        hit = series > value if side == "above" else series < value  # strict; NaN breaks the run
    expected = first_streak(series, hit, n)
    table = tables[event]
    keys = tables["dim_date"].column("date_key").to_pylist()
    entity = col(table, "account_id").astype(int) - 1
    assert len(set(entity.tolist())) == len(entity)  # at most once per entity
    got = np.full(ENTITIES, -1)
    got[entity] = [keys.index(k) for k in table.column("date_key").to_pylist()]
    assert got.tolist() == expected.tolist()
    assert 0 < (expected >= 0).sum() < ENTITIES  # some entities fire, some never reach the streak
    # An entity that crossed the value, but never for n periods in a row, has no event.
    crossed_briefly = [e for e in range(ENTITIES) if hit[e].any() and expected[e] < 0]
    assert crossed_briefly and not set(crossed_briefly) & set(entity.tolist())


# ------------------------------------------------------------------------------------------ determinism


def scaled(factor: int, **changes) -> dict:
    segments = [{**s, "count": s["count"] * factor} for s in SEGMENTS]
    return star_kwargs(segments=segments, window=("2024-01", "2024-03"), **changes)


@pytest.fixture(scope="module")
def big_runs():
    cfg = ps.create(**scaled(25))  # 2500 entities: three key blocks
    assert cfg.entity_count > 2048
    runs = {
        (1, 1024): generate_arrow(cfg, workers=1, block_size=1024),
        (1, 2048): generate_arrow(cfg, workers=1, block_size=2048),
        (2, 1024): generate_arrow(cfg, workers=2, block_size=1024),
        (2, 2048): generate_arrow(cfg, workers=2, block_size=2048),
    }
    return cfg, runs


def test_same_seed_gives_identical_tables_across_block_sizes_and_workers(big_runs):
    _, runs = big_runs
    (tables, state), *others = runs.values()
    for label, (other, other_state) in zip(list(runs)[1:], others):
        assert list(other) == list(tables)
        for name in tables:
            assert other[name].equals(tables[name]), (label, name)
        assert other_state.scd.versions.equals(state.scd.versions), label
        assert other_state.scd.events.equals(state.scd.events), label
        assert other_state.bridges.links.equals(state.bridges.links), label


def test_global_row_numbers_run_across_batches(big_runs):
    _, runs = big_runs
    tables, state = runs[(1, 1024)]
    for name, key in (("evt_login", "login_id"), ("evt_power_user", "power_id"), ("dim_account", "dim_row_id")):
        assert tables[name].column(key).to_pylist() == list(range(1, tables[name].num_rows + 1)), name
    assert state.scd.events.num_rows > 0
    assert tables["dim_account"].column("dim_row_id").equals(state.scd.versions.column("dim_row_id"))
    ids = set(tables["dim_account"].column("dim_row_id").to_pylist())
    assert set(tables["fct_activity"].column("dim_row_id").to_pylist()) <= ids
    assert max(tables["dim_user"].column("user_id").to_pylist()) == 2500 * USERS_PER_ACCOUNT


def test_a_different_seed_changes_every_random_table(big_runs):
    cfg, runs = big_runs
    tables, _ = runs[(1, 1024)]
    other, _ = generate_arrow(cfg, seed=cfg.seed + 1, block_size=1024)
    assert other["dim_date"].equals(tables["dim_date"])
    for name in ("dim_plan", "dim_account", "dim_user", "fct_activity", "evt_login", "bridge_account_feature", "bridge_account_plan"):
        assert not other[name].equals(tables[name]), name
    assert other["dim_plan"].column("plan_name").equals(tables["dim_plan"].column("plan_name"))  # static cycling is fixed
