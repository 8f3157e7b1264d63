"""The reference generator's quick start and the API calls of its spec section 1 (create,
generate_tables, validate(config, tables), write_tables, run, the single-file writers), written
against ``plotsim`` and run as written with the module name swapped for ``plotsim_dbt``. The same
script prints the same lines under plotsim 0.7.0."""

from __future__ import annotations

import subprocess
import sys

QUICKSTART = """
import os
from pathlib import Path

import numpy as np
import pandas as pd

import plotsim
from plotsim import (
    create, generate_tables, validate, write_tables, run,
    write_single_table, write_config_copy, write_validation_report,
)

cfg = create(
    about="Trial accounts",
    unit="account",
    window=("2024-01", "2024-12", "monthly"),
    metrics=[
        {"name": "engagement", "type": "score", "polarity": "positive"},
        {"name": "spend", "type": "amount", "polarity": "positive", "range": [10, 500]},
    ],
    connections=["spend driven_by engagement"],
    segments=[
        {"name": "stars", "count": 40, "archetype": "growth"},
        {"name": "fading", "count": 25, "archetype": "decline"},
    ],
)
tables = generate_tables(cfg, np.random.default_rng(cfg.seed))
for name, df in tables.items():
    print(f"{name}: {len(df)} rows")

report = validate(cfg, tables)
print(f"report ok={report.ok} errors={len(report.errors)} warnings={len(report.warnings)}")
print("pk issues:", len(report.by_check("pk_uniqueness")))
for issue in report.issues:
    print(issue.check, issue.severity, issue.table, issue.message, issue.details)

out = write_tables(tables, cfg, output_dir=Path("qs_tables"))
print("write_tables ->", Path(out).name, sorted(p.name for p in Path(out).glob("*.csv")))

path = run(cfg, "qs_run", seed=7, strict=True)
print("run ->", os.fspath(path).rstrip("/").split("/")[-1])
fct = pd.read_csv(Path(path) / "fct_account.csv")
print("fct rows:", len(fct))

extra = write_single_table("spend_by_account", fct.groupby("account_id", as_index=False)["spend"].mean(), Path("qs_extra"), cfg)
print("single ->", Path(extra).name)
print("config copy ->", Path(write_config_copy(cfg, Path("qs_extra"))).name)
print("report ->", Path(write_validation_report(report, Path("qs_extra"), config=cfg)).name)
try:
    write_single_table("../outside", fct, Path("qs_extra"), cfg)
except ValueError as err:
    print("refused:", type(err).__name__)
"""

EXPECTED = """dim_date: 12 rows
dim_account: 65 rows
fct_account: 780 rows
report ok=True errors=0 warnings=0
pk issues: 0
write_tables -> qs_tables ['dim_account.csv', 'dim_date.csv', 'fct_account.csv']
run -> qs_run
fct rows: 780
single -> spend_by_account.csv
config copy -> config.yaml
report -> validation_report.txt
refused: ValueError
"""


def test_quickstart_runs_as_written_with_the_module_renamed(tmp_path):
    script = tmp_path / "quickstart.py"
    script.write_text(QUICKSTART.replace("plotsim", "plotsim_dbt"), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout == EXPECTED
    assert (tmp_path / "qs_run" / "manifest.json").exists() and (tmp_path / "qs_extra" / "spend_by_account.csv").exists()
    assert '"seed": 7' in (tmp_path / "qs_run" / "manifest.json").read_text()
    assert not (tmp_path / "outside.csv").exists()
