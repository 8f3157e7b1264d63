"""partition_by writes every table holding the column as hive-style folders whose files hold the
table's rows of that value (in the table's order, the column in the folder name); readers with
hive partitioning get the table back; validation reads it; keys that cannot name a folder are refused."""

from __future__ import annotations

import duckdb
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import plotsim_dbt as ps


def config(partition_by: str | None, fmt: str = "parquet") -> ps.Config:
    return ps.create(
        about="partitions",
        unit="account",
        window=("2024-01", "2024-04"),
        seed=7,
        metrics=[{"name": "engagement", "type": "score"}, {"name": "spend", "type": "amount", "range": [10, 500]}],
        segments=[{"name": "up", "count": 25, "archetype": "growth"}, {"name": "down", "count": 25, "archetype": "decline"}],
        output={"format": fmt, "partition_by": partition_by},
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("runs")
    plain = ps.run(config(None), base / "plain", validate=False)
    parted = ps.run(config("date_key"), base / "parted")
    return plain.directory, parted


def test_each_table_with_the_column_is_split_into_hive_folders(runs):
    plain, parted = runs
    assert parted.report.ok  # validation read the partitioned tables back
    fact = pq.read_table(plain / "fct_account.parquet")
    folders = sorted(p.name for p in (parted.directory / "fct_account").iterdir())
    keys = sorted(set(fact.column("date_key").to_pylist()))
    assert folders == [f"date_key={k}" for k in keys]
    for key in keys:
        part = pq.read_table(parted.directory / "fct_account" / f"date_key={key}" / "part-0.parquet")
        expected = fact.filter(pc.equal(fact.column("date_key"), key)).drop_columns(["date_key"])
        assert part.equals(expected), key
    assert (parted.directory / "dim_account.parquet").exists()  # no date_key: one file as before
    assert (parted.directory / "dim_date").is_dir() and (parted.directory / "truth" / "truth_entities.parquet").exists()


def test_a_hive_reader_gets_the_table_back(runs):
    plain, parted = runs
    con = duckdb.connect()
    back = con.sql(
        f"select * from read_parquet('{parted.directory}/fct_account/*/*.parquet', hive_partitioning = true) order by date_key, account_id"
    ).to_arrow_table()
    whole = con.sql(f"select * from read_parquet('{plain}/fct_account.parquet') order by date_key, account_id").to_arrow_table()
    assert back.select(whole.column_names).cast(whole.schema).equals(whole)


def test_a_float_partition_key_is_refused_and_nothing_is_left(tmp_path):
    with pytest.raises(ValueError, match=r"partition_by: fct_account.engagement is double; partition by an integer, text, date or boolean"):
        ps.run(config("engagement"), tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_partition_by_with_another_format_given_at_run_time_is_refused(tmp_path):
    with pytest.raises(ValueError, match="partition_by writes Parquet folders, not csv"):
        ps.run(config("date_key"), tmp_path / "out", format="csv")


def test_a_table_without_rows_is_an_empty_folder_and_validates(tmp_path):
    data = config("date_key").model_dump(exclude_unset=True)
    data["dimensions"] = [{"name": "dim_account", "columns": [{"account_id": "id"}]}]
    data["facts"] = [{"name": "fct_account", "columns": [{"date_key": "ref.dim_date"}, {"account_id": "ref.dim_account"}, {"spend": "metric.spend"}]}]
    never = [{"alert_id": "id"}, {"account_id": "ref.dim_account"}, {"date_key": "ref.dim_date"}]
    data["events"] = [{"name": "evt_never", "threshold": {"metric": "engagement", "above": 2, "for": 1}, "columns": never}]
    result = ps.run(ps.create(**data), tmp_path / "out")
    assert result.row_counts["evt_never"] == 0 and result.report.ok
    assert (tmp_path / "out" / "evt_never").is_dir() and not list((tmp_path / "out" / "evt_never").iterdir())


def test_text_partition_values_are_percent_encoded_and_read_back_intact(tmp_path):
    awkward = ["O'Brien", "a/b", "x=y", "Zürich ✓", "50%"]
    data = config("tier").model_dump(exclude_unset=True)
    data["segments"] = [{"name": "up", "count": 30, "archetype": "growth", "attributes": {"tier": awkward}}]
    result = ps.run(ps.create(**data), tmp_path / "out")
    assert result.report.ok
    folders = sorted(p.name for p in (tmp_path / "out" / "dim_account").iterdir())
    assert "tier=a%2Fb" in folders and "tier=x%3Dy" in folders and all("/" not in f.removeprefix("tier=") for f in folders)
    back = duckdb.sql(f"select distinct tier from read_parquet('{tmp_path}/out/dim_account/*/*.parquet', hive_partitioning = true)").fetchall()
    assert sorted(v for (v,) in back) == sorted(awkward)
