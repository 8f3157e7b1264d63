"""SCD2 dimensions: versions following the tracked metric's tier (monotonic, hold, open end), dim_row_id joins and truth_scd_*."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest
from star_helpers import CUTS, ENTITIES, PERIODS, TIERS, WINDOW, generate, grid


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
        variation=0,  # every entity follows its archetype, so the expected tiers follow from the plan
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
