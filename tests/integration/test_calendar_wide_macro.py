"""The dbt macro plotsim_calendar_wide gives, in SQL on DuckDB, the same wide counts as the Python
transformer RawToVocab on the same events (a real `dbt show` on the bundled project)."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pytest
from dbt_helpers import ROOT, dbt

from plotsim_dbt.calendar import DummyModel
from plotsim_dbt.calendar.generate import wide_to_events
from plotsim_dbt.calendar.segments import create_box_segment, stack_segments
from plotsim_dbt.calendar.transformers import RawToVocab

pytestmark = pytest.mark.slow


def test_macro_matches_the_python_transformer(tmp_path):
    segments = stack_segments([create_box_segment(0, 5, 7, 10, name="mornings"), create_box_segment(5, 7, 20, 24, name="weekend nights")])
    _, wide = DummyModel.from_segments(segments).create_sampler(random_state=3).sample([40, 3, 25, 60, 1])
    wide.index.name = "user_id"
    events = wide_to_events(wide, weeks=5, timestamp_col="seen_at", random_state=4)
    database = tmp_path / "events.duckdb"
    con = duckdb.connect(str(database))
    con.register("frame", events)
    con.execute("create table events as select * from frame union all select 0, null")  # a null timestamp is ignored
    con.close()
    sql = "{{ plotsim_dbt.plotsim_calendar_wide('events', 'user_id', 'seen_at', min_events=3) }}"
    done = dbt(["show", "--inline", sql, "--limit", "-1", "--output", "json", "--log-format", "json"], ROOT, tmp_path, database)
    assert done.returncode == 0, done.stdout[-3000:]
    preview = next(json.loads(line)["data"]["preview"] for line in done.stdout.splitlines() if '"ShowNode"' in line and '"preview"' in line)
    rows = {r["user_id"]: r for r in (json.loads(preview) if isinstance(preview, str) else preview)}
    expected = RawToVocab("user_id", "seen_at", min_events=3).fit_transform(events)
    assert sorted(rows) == sorted(expected.index) == [0, 1, 2, 3]  # user 4 (1 event) is left out
    for user, counts in expected.iterrows():
        sql_counts = np.array([rows[user][f"slot_{slot:03d}"] for slot in range(168)])
        np.testing.assert_array_equal(sql_counts, counts.to_numpy())
        assert rows[user]["num_events"] == counts.sum()
