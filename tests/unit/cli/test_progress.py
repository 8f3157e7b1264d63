"""The run's progress bar: rows, rows/s and ETA on a terminal; nothing otherwise or with --quiet."""

from __future__ import annotations

import io

from plotsim_dbt import load_template
from plotsim_dbt.cli.main import main
from plotsim_dbt.cli.progress import ProgressBar
from plotsim_dbt.plan.resolve import resolve_plan


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_counts_fact_rows_with_a_rate_and_an_eta():
    plan = resolve_plan(load_template("saas"))
    stream = Terminal()
    bar = ProgressBar(plan, stream=stream, disable=None)
    for done in (100, 350, 600):
        bar(done, 600)
    text = stream.getvalue()
    facts = 3  # fct_engagement, fct_revenue, fct_support
    assert bar.bar.n == 600 * plan.periods * facts
    assert "43.2k/43.2k" in text  # 600 x 24 x 3 rows, scaled
    assert "rows/s" in text and "<" in text  # rate and elapsed<remaining


def test_no_bar_when_the_stream_is_not_a_terminal():
    stream = io.StringIO()
    bar = ProgressBar(resolve_plan(load_template("saas")), stream=stream, disable=None)
    bar(300, 600)
    bar(600, 600)
    assert stream.getvalue() == ""


def test_run_quiet_prints_no_progress(tmp_path, capsys):
    assert main(["run", "saas", "-o", str(tmp_path / "out"), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert "generating" not in captured.err and "rows/s" not in captured.err
