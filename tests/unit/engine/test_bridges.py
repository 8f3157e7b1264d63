"""Bridge tables: link counts within the cardinality, following the driver or the mean trajectory position, and the bridge truth."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from star_helpers import DIMENSIONS, ENTITIES, PLAN_ROWS, col, generate, grid, own_positions, star_kwargs


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
    kw["facts"] = [
        {"name": "fct_a", "columns": [{"date_key": "ref.dim_date"}, {"account_id": "ref.dim_account"}, {"engagement": "metric.engagement"}]}
    ]
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
    mean = np.nanmean(own_positions(state), axis=1)
    assert counts.tolist() == np.rint(1 + 6 * mean).astype(int).tolist()
    assert counts[plan.entity_segment == 2].mean() > counts[plan.entity_segment == 1].mean() + 2  # high plateau over decline


def test_bridge_truth_equals_the_bridge_tables(star):
    _, tables, state = star
    links = state.bridges.links
    expected = []
    for order, (name, right) in enumerate((("bridge_account_feature", "feature_id"), ("bridge_account_plan", "plan_id"))):
        table = tables[name]
        expected += [(a, order, b, name) for a, b in zip(table.column("account_id").to_pylist(), table.column(right).to_pylist())]
    got = list(zip(links.column("bridge").to_pylist(), links.column("left_id").to_pylist(), links.column("right_id").to_pylist()))
    # by entity, then bridge in declared order, then right id
    assert got == [(name, a, b) for a, _, b, name in sorted(expected)]
