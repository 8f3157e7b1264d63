"""An event with log_format is also written as a text log: one line per event row, in the table's
order, each the format filled with that row's values; a bad format or file name is one clear error."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

import plotsim_dbt as ps

LOG = "{visited_at} visit={visit_id} account={account_id} period={date_key}"


def config(**event) -> ps.Config:
    return ps.create(
        about="logs",
        unit="account",
        window=("2024-01", "2024-06"),
        seed=2,
        metrics=[{"name": "engagement", "type": "score"}],
        segments=[{"name": "up", "count": 40, "archetype": "growth"}],
        dimensions=[{"name": "dim_account", "columns": [{"account_id": "id"}, {"account_name": "company"}]}],
        facts=[
            {"name": "fct_account", "columns": [{"date_key": "ref.dim_date"}, {"account_id": "ref.dim_account"}, {"engagement": "metric.engagement"}]}
        ],
        events=[
            {
                "name": "evt_visit",
                "proportional": {"driver": "engagement", "scale": 3},
                "columns": [{"visit_id": "id"}, {"account_id": "ref.dim_account"}, {"date_key": "ref.dim_date"}, {"visited_at": "timestamp"}],
                **event,
            }
        ],
    )


def test_the_log_has_one_filled_line_per_event_row_in_table_order(tmp_path):
    result = ps.run(config(log_format=LOG), tmp_path / "out", format="parquet")
    visits = pq.read_table(tmp_path / "out" / "evt_visit.parquet").to_pylist()
    lines = (tmp_path / "out" / "evt_visit.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(visits) == result.row_counts["evt_visit"] > 100
    assert lines == [LOG.format(**row) for row in visits]
    assert lines[0].startswith(str(visits[0]["visited_at"])) and " " in lines[0]


def test_log_filename_names_the_file(tmp_path):
    ps.run(config(log_format="{visit_id}", log_filename="visits.txt"), tmp_path / "out", validate=False)
    assert (tmp_path / "out" / "visits.txt").is_file() and not (tmp_path / "out" / "evt_visit.log").exists()


def test_without_log_format_no_log_is_written(tmp_path):
    ps.run(config(), tmp_path / "out", validate=False)
    assert not list((tmp_path / "out").glob("*.log"))


@pytest.mark.parametrize(
    ("event", "field", "words"),
    [
        ({"log_format": "{visit_id} {nope}"}, "events.0", "{nope} is not a column of the event"),
        ({"log_format": "{visit_id"}, "events.0", "write fields as {column}"),
        ({"log_format": "no fields"}, "events.0", "has no {column} field"),
        ({"log_format": "{visit_id}", "log_filename": "../x.log"}, "events.0", "must be a plain file name"),
        ({"log_format": "{visit_id}", "log_filename": "manifest.json"}, "events.0", "not one of the run's own files"),
        ({"log_filename": "x.log"}, "events.0", "a log needs its line format"),
    ],
)
def test_a_bad_log_is_one_clear_error(event, field, words):
    with pytest.raises(ps.ConfigError, match="log_") as err:
        config(**event)
    assert field in str(err.value) and words in str(err.value)
