"""run(config, output_dir, *, seed, strict): a strict run that finds an error raises before
anything is committed and leaves nothing; the result stands for the output directory."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import plotsim_dbt as ps
import plotsim_dbt.pipeline as pipeline


def small_config(**changes):
    base = dict(
        about="run",
        unit="account",
        window=("2024-01", "2024-06"),
        metrics=[{"name": "engagement", "type": "score"}],
        segments=[{"name": "up", "count": 8, "archetype": "growth"}, {"name": "down", "count": 8, "archetype": "decline"}],
        seed=5,
    )
    return ps.create(**{**base, **changes})


@pytest.fixture()
def duplicated_dim_date(monkeypatch):
    """The engine's global tables with dim_date's first row written twice: a real fault that the
    checks find in the written files (pk_uniqueness and date_spine)."""
    original = pipeline.global_tables

    def faulty(plan, names=None):
        tables = original(plan, names)
        if "dim_date" in tables:
            dim_date = tables["dim_date"]
            tables["dim_date"] = pa.concat_tables([pa.table(dim_date), pa.table(dim_date).slice(0, 1)])
        return tables

    monkeypatch.setattr(pipeline, "global_tables", faulty)


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_a_clean_strict_run_writes_everything(tmp_path):
    result = ps.run(small_config(), tmp_path / "out", strict=True, validate=False)
    assert result.report is not None and result.report.ok, "strict validates even without validate"
    assert (tmp_path / "out" / "validation_report.txt").exists()


def test_a_strict_run_with_an_error_raises_and_leaves_nothing(tmp_path, duplicated_dim_date):
    target = tmp_path / "new" / "nested" / "out"
    with pytest.raises(ValueError, match=r"strict: validation found 2 error\(s\), nothing was written"):
        ps.run(small_config(), target, strict=True)
    assert list(tmp_path.iterdir()) == [], "not a file, not a staging folder, not even the parent folders"


def test_a_strict_failure_keeps_the_earlier_run(tmp_path, monkeypatch):
    out = tmp_path / "out"
    ps.run(small_config(), out)
    before = snapshot(out)
    original = pipeline.global_tables
    monkeypatch.setattr(
        pipeline, "global_tables", lambda plan, names=None: {**original(plan, names), "dim_date": original(plan, names)["dim_date"].slice(1)}
    )
    with pytest.raises(ValueError, match="fk_integrity"):
        ps.run(small_config(seed=6), out, strict=True)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_without_strict_the_invalid_run_is_written_with_its_report(tmp_path, duplicated_dim_date):
    result = ps.run(small_config(), tmp_path / "out")
    assert not result.report.ok
    assert "Status: INVALID" in (tmp_path / "out" / "validation_report.txt").read_text()


def test_the_result_stands_for_the_output_directory(tmp_path):
    out = tmp_path / "data"
    result = ps.run(small_config(), out, seed=9)
    assert isinstance(result, os.PathLike) and os.fspath(result) == str(out) and Path(result) == out
    assert str(result) == str(out) and f"{result}" == str(out)
    assert result == out and result.exists() and result.is_dir() and result.name == "data"
    assert (result / "manifest.json").is_file() and sorted(result.glob("fct_*.csv")) == [out / "fct_account.csv"]
    # the reference's usage: the return value is the directory to read from
    fct = pd.read_csv(Path(ps.run(small_config(), out)) / "fct_account.csv")
    assert len(fct) == 16 * 6
    assert result.row_counts["fct_account"] == 16 * 6 and result.report.ok
    with pytest.raises(AttributeError):
        result.no_such_attribute  # noqa: B018
