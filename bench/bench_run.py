"""Where ``run()`` spends its time, and its peak memory, as the fact table grows.

Run ``python bench/bench_run.py [--rows 1e6 1e7 1e8] [--format parquet] [--workers 1]``.

Each size runs the 3-metric config of bench.py (score, amount, count; 12 monthly periods, so
rows / 12 entities) through ``run(cfg, tmp, format=..., validate=False)`` in a fresh interpreter,
with the time split three ways by wrapping the pipeline's own functions:

* writing: time inside the sink (``write`` and closing the files), data and truth tables;
* manifest: sampling the truth while blocks stream, rendering the manifest and writing it;
* engine: the rest (planning, the block function, holdout splits and features).

It prints seconds and shares of each part, the fact rows/s, the ``manifest.json`` size and the
child's peak RSS (``ru_maxrss``), with ratios against the 1e6 case. No test asserts on these.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import config_kwargs, peak_rss_mb

PERIODS = 12


def child(spec: dict) -> dict:
    import plotsim_dbt.api as api
    import plotsim_dbt.pipeline as pipeline
    from plotsim_dbt import create
    from plotsim_dbt.sinks import FORMATS, DirectorySink
    from plotsim_dbt.truth.manifest import TruthSample

    spent = {"writing": 0.0, "manifest": 0.0}

    def timed(part: str, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[part] += time.perf_counter() - started

        return wrapper

    module, name = FORMATS[spec["format"]]
    sink_class = getattr(importlib.import_module(f"plotsim_dbt.sinks.{module}"), name)
    DirectorySink.write = timed("writing", DirectorySink.write)
    sink_class.close_tables = timed("writing", sink_class.close_tables)
    TruthSample.add = timed("manifest", TruthSample.add)
    pipeline.manifest_dict = timed("manifest", pipeline.manifest_dict)
    api.dumps = timed("manifest", api.dumps)
    config = create(**config_kwargs(spec["rows"] // PERIODS, 3))
    with tempfile.TemporaryDirectory(prefix="plotsim_bench_run_") as tmp:
        started = time.perf_counter()
        result = api.run(config, Path(tmp) / "out", format=spec["format"], validate=False, workers=spec["workers"])
        total = time.perf_counter() - started
        manifest_bytes = (Path(tmp) / "out" / "manifest.json").stat().st_size
    return {
        "rows": result.row_counts["fct_account"],
        "total": total,
        **spent,
        "engine": total - spent["writing"] - spent["manifest"],
        "manifest_mb": manifest_bytes / 1e6,
        "rss_mb": peak_rss_mb(),
    }


def in_child(spec: dict) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--case", json.dumps(spec)]
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", nargs="+", type=float, default=[1e6, 1e7, 1e8], help="fact rows per case")
    parser.add_argument("--format", default="parquet", choices=["csv", "parquet", "duckdb"])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(child(json.loads(args.case))))
        return
    print(f"run() split, {args.format}, 3 metrics x {PERIODS} periods, workers={args.workers}, {os.cpu_count()} CPUs")
    header = (
        f"{'fact rows':>12} {'total s':>8} {'engine s':>9} {'writing s':>10} {'manifest s':>11} {'manifest %':>10} "
        f"{'rows/s':>9} {'manifest MB':>11} {'peak RSS MB':>11} {'RSS x':>6}"
    )
    print(header)
    first = None
    for rows in args.rows:
        r = in_child({"rows": int(rows), "format": args.format, "workers": args.workers})
        if "error" in r:
            print(f"{int(rows):>12,} failed: {r['error']}")
            continue
        first = first or r
        print(
            f"{r['rows']:>12,} {r['total']:>8.1f} {r['engine']:>9.1f} {r['writing']:>10.1f} {r['manifest']:>11.2f} "
            f"{100 * r['manifest'] / r['total']:>9.1f}% {r['rows'] / r['total'] / 1e6:>8.2f}M {r['manifest_mb']:>11.2f} "
            f"{r['rss_mb']:>11.0f} {r['rss_mb'] / first['rss_mb']:>6.2f}"
        )


if __name__ == "__main__":
    main()
