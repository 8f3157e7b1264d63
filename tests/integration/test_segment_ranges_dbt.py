"""A config whose segments narrow their metrics (``baseline``, ``ranges``) builds green in dbt:
the statistical tests (metric_follows_archetype, correlation_near_target, values_within_range)
hold, and the warehouse's truth_centres carries each segment's range."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dbt_helpers import green, init_and_build

pytestmark = pytest.mark.slow

CONFIG = Path(__file__).resolve().parents[1] / "data" / "configs" / "ranged.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return init_and_build(tmp_path_factory.mktemp("ranged"), "ranged", CONFIG.read_text(encoding="utf-8"))


def test_narrowed_segments_build_green_and_the_truth_holds_their_ranges(built):
    database, statuses = built.database, built.statuses
    assert green(statuses), {k: v for k, v in statuses.items() if v not in ("pass", "success")}
    assert any("metric_follows_archetype" in k for k in statuses) and any("correlation_near_target" in k for k in statuses)
    con = duckdb.connect(str(database), read_only=True)
    ranges = dict(
        ((segment, metric), (low, high))
        for segment, metric, low, high in con.sql("select distinct segment, metric, centre_low, centre_high from truth_centres").fetchall()
    )
    lowest_star = con.sql(
        "select min(engagement) from fct_account f join truth_entities e on f.account_id = e.entity_id where e.segment = 'stars'"
    ).fetchall()[0][0]
    con.close()
    assert ranges[("stars", "engagement")] == pytest.approx((2 / 3, 1.0))  # baseline: high
    assert ranges[("strugglers", "revenue")] == (10.0, 60.0)  # ranges
    assert ranges[("leavers", "revenue")] == pytest.approx((10 + 490 / 3, 10 + 2 * 490 / 3))  # baseline: mid
    assert ranges[("leavers", "engagement")] == (0.0, 1.0)  # not narrowed
    assert lowest_star >= 2 / 3  # a bounded family draws inside the segment's range
