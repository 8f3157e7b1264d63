"""Declared star-schema column kinds: ids, refs, metrics, lags, static, pool, range, bucket, timestamp, segment, entity_name, Faker."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from star_helpers import ENTITIES, PERIODS, PLAN_ROWS, SEGMENTS, USERS_PER_ACCOUNT, col, grid, own_positions, star_kwargs

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow


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
        "dim_date",
        "dim_plan",
        "dim_feature",
        "dim_account",
        "dim_user",
        "fct_activity",
        "evt_login",
        "evt_power_user",
        "evt_safe",
        "bridge_account_feature",
        "bridge_account_plan",
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
    position = own_positions(state)  # [entities, periods]
    expected = np.minimum((np.clip(position, 0, 1) * len(labels)).astype(int), len(labels) - 1)
    assert (index == expected).all()
    grower = plan.entity_segment == 0
    faller = plan.entity_segment == 2
    assert (index[grower, -1] > index[grower, 0]).all()  # a growth segment ends on higher labels
    assert index[grower, -3:].min() > index[grower, :3].max()
    assert (index[faller, -1] < index[faller, 0]).all()
    # A dimension has no period: it reads the entity's mean position over its life.
    dim = current_rows(tables["dim_account"])
    dim_labels = ["low", "mid", "high"]
    mean = np.nanmean(position, axis=1)
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


def test_dimension_timestamps_fall_inside_the_period_the_row_came_into_being(star):
    _, tables, _ = star
    first = np.datetime64("2024-01-01", "us")
    created = tables["dim_account"].column("created_at").to_numpy()
    assert ((created >= first) & (created < np.datetime64("2024-02-01", "us"))).all()  # no arrival: every account from period 0
    signed_up = tables["dim_user"].column("signed_up_at").to_numpy().reshape(-1, USERS_PER_ACCOUNT)
    assert ((signed_up[:, 0] >= first) & (signed_up[:, 0] < np.datetime64("2024-02-01", "us"))).all()  # the first user with its account
    assert (signed_up >= first).all() and (signed_up < np.datetime64("2025-01-01", "us")).all()
    assert len(np.unique(signed_up.astype("datetime64[M]"))) > 6, "later users sign up over the accounts' lives"


def test_no_login_comes_before_its_user_signed_up(star):
    _, tables, _ = star
    users = tables["dim_user"].to_pandas().set_index("user_id")["signed_up_at"]
    logins = tables["evt_login"].to_pandas()
    signup_month = logins["user_id"].map(users).dt.to_period("M")
    assert len(logins) > 1000
    assert (logins["logged_in_at"].dt.to_period("M") >= signup_month).all()


def test_segment_segment_count_and_entity_name(star):
    _, tables, _ = star
    dim = current_rows(tables["dim_account"])
    names = [s["name"] for s in SEGMENTS]
    counts = [s["count"] for s in SEGMENTS]
    segment = np.repeat(np.arange(len(SEGMENTS)), counts)
    assert dim.column("segment").to_pylist() == [names[s] for s in segment]
    assert dim.column("segment_size").type == pa.int64()
    assert dim.column("segment_size").to_pylist() == [counts[s] for s in segment]
    within = np.concatenate([np.arange(c) for c in counts])
    assert dim.column("account_code").to_pylist() == [f"{names[s]}_{n:04d}" for s, n in zip(segment, within)]
    assert dim.column("account_code").to_pylist()[:2] == ["grower_0000", "grower_0001"]
    users = tables["dim_user"]
    assert users.column("segment").to_pylist() == [names[s] for s in np.repeat(segment, USERS_PER_ACCOUNT)]
    assert tables["fct_activity"].column("segment").to_pylist() == [names[s] for s in np.repeat(segment, PERIODS)]


@pytest.mark.parametrize(
    "table, column",
    [
        ("dim_account", "full_name"),
        ("dim_account", "first"),
        ("dim_account", "last"),
        ("dim_account", "email"),
        ("dim_account", "company"),
        ("dim_account", "city"),
        ("dim_account", "country"),
        ("dim_user", "user_name"),
        ("dim_user", "user_email"),
        ("dim_plan", "owner"),
        ("dim_plan", "hq"),
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
    assert full == [f"{f} {last}" for f, last in zip(dim.column("first").to_pylist(), dim.column("last").to_pylist())]
