"""Directory outputs are replaced as a whole or not at all; killed runs leave nothing that lasts;
a directory plotsim_dbt did not write is never replaced; every format holds the same rows."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import pyarrow.parquet as pq
import pytest

import plotsim_dbt as ps
from plotsim_dbt.sinks import directory_sink
from plotsim_dbt.sinks.directory import DirectorySink


def config(seed: int = 3, **changes) -> ps.Config:
    base = dict(
        about="sinks",
        unit="account",
        window=("2024-01", "2024-06"),
        seed=seed,
        metrics=[{"name": "engagement", "type": "score"}, {"name": "spend", "type": "amount", "range": [10, 500]}],
        segments=[{"name": "up", "count": 40, "archetype": "growth"}, {"name": "down", "count": 40, "archetype": "decline"}],
        holdout={"target": "spend", "periods": 2},
    )
    return ps.create(**{**base, **changes})


def files(directory) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def leftovers(parent) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def test_a_run_replaces_an_earlier_run_completely(tmp_path):
    out = tmp_path / "out"
    ps.run(config(holdout=None), out, validate=True)
    assert (out / "validation_report.txt").exists()
    ps.run(config(seed=4), out, validate=False)  # no report this time, and holdout splits appear
    fresh = tmp_path / "fresh"
    ps.run(config(seed=4), fresh, validate=False)
    assert files(out) == files(fresh)  # nothing of the first run is left: no stale report
    assert "validation_report.txt" not in files(out) and "fct_account_train.csv" in files(out)
    assert leftovers(tmp_path) == []


def test_a_failed_run_leaves_the_earlier_run_intact(tmp_path, monkeypatch):
    out = tmp_path / "out"
    ps.run(config(), out)
    before = files(out)

    def broken_write(self, table, data):
        if table == "truth_trajectory":
            raise OSError("disk full (injected)")
        return original(self, table, data)

    original = DirectorySink.write
    monkeypatch.setattr(DirectorySink, "write", broken_write)
    with pytest.raises(OSError, match="injected"):
        ps.run(config(seed=9), out, format="parquet")
    assert files(out) == before
    assert leftovers(tmp_path) == []


def test_a_killed_runs_staging_folder_is_removed_by_the_next_run(tmp_path):
    out = tmp_path / "out"
    script = (
        "import os, plotsim_dbt as ps\n"
        "from plotsim_dbt.sinks.directory import DirectorySink\n"
        "original = DirectorySink.write\n"
        "def die(self, table, data):\n"
        "    if table == 'truth_entities':\n"
        "        os._exit(9)\n"
        "    original(self, table, data)\n"
        "DirectorySink.write = die\n"
        f"ps.run(ps.load_template('hr'), {str(out)!r})\n"
    )
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert killed.returncode == 9
    assert any(name.startswith(".out.partial-") for name in leftovers(tmp_path)), "the killed run left no staging folder"
    assert not out.exists()
    ps.run(config(), out)
    assert leftovers(tmp_path) == [] and (out / "manifest.json").exists()


def test_an_output_moved_aside_by_a_killed_run_is_restored(tmp_path):
    out = tmp_path / "out"
    ps.run(config(), out)
    before = files(out)
    aside = tmp_path / ".out.old-999999999-deadbeef"  # a process id that cannot be alive
    os.replace(out, aside)
    sink = directory_sink("csv", out)
    sink.abort()
    assert files(out) == before and leftovers(tmp_path) == []


def test_a_directory_plotsim_did_not_write_is_refused(tmp_path):
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="did not write"):
        ps.run(config(), mine)
    assert (mine / "keep.txt").read_text() == "mine" and leftovers(tmp_path) == []


def test_csv_parquet_and_duckdb_hold_the_same_rows(tmp_path):
    cfg = ps.load_template("saas")
    results = {fmt: ps.run(cfg, tmp_path / fmt, format=fmt) for fmt in ("csv", "parquet", "duckdb")}
    assert all(r.report.ok for r in results.values())
    assert results["csv"].row_counts == results["parquet"].row_counts == results["duckdb"].row_counts
    con = duckdb.connect(str(tmp_path / "duckdb" / "warehouse.duckdb"), read_only=True)
    try:
        for table in ("dim_company", "fct_revenue", "evt_login", "truth_scd_versions"):
            stored = con.sql(f"select * from {table}").to_arrow_table()
            parquet = pq.read_table(tmp_path / "parquet" / ("truth" if table.startswith("truth_") else "") / f"{table}.parquet")
            assert stored.equals(parquet), table
    finally:
        con.close()
    assert (tmp_path / "duckdb" / "manifest.json").read_bytes() == (tmp_path / "csv" / "manifest.json").read_bytes()


def test_an_unknown_format_is_one_clear_error(tmp_path):
    with pytest.raises(ValueError, match="output.format must be one of csv, parquet, jsonl, sql, duckdb"):
        ps.run(config(), tmp_path / "x", format="xlsx")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["jsonl", "sql"])
def test_a_failed_text_run_leaves_the_earlier_run_and_no_scratch(tmp_path, monkeypatch, fmt):
    out = tmp_path / "out"
    ps.run(config(), out, format=fmt)
    before = files(out)
    assert not any(name.startswith(".") for name in before)  # the SQL sink's scratch database is gone

    def broken_write(self, table, data):
        if table == "truth_trajectory":
            raise OSError("disk full (injected)")
        return original(self, table, data)

    original = DirectorySink.write
    monkeypatch.setattr(DirectorySink, "write", broken_write)
    with pytest.raises(OSError, match="injected"):
        ps.run(config(seed=9), out, format=fmt)
    assert files(out) == before
    assert leftovers(tmp_path) == []
