"""Throughput and memory benchmark for plotsim_dbt.

Run ``python bench/bench.py [--sizes 1e4 1e5 1e6] [--metrics 1 3] [--workers 1] [--quick]``.

What is measured
----------------
1. The numpy ceiling: standard normal draws per second from one PCG64 generator on one core
   (``Generator.standard_normal(out=buffer)`` into a preallocated buffer of 10M, best of 3).
2. For each entity count in ``--sizes`` over 12 monthly periods, and each config variant
   (``--metrics``):

   * 1 metric: one ``score`` metric, two segments (half growth, half decline): the minimal config;
   * 3 metrics: score + amount + count with one connection, ``spend driven_by engagement``;

   the figures are:

   * engine rows/s: fact rows per second of ``resolve_plan`` + ``build_block`` over the block ranges, which makes the
     Arrow record batches and drops each one at once (no I/O), best of up to ``--repeats`` runs;
   * end-to-end rows/s: fact rows per second of ``run(cfg, tmp, format="parquet",
     validate=False)`` into a fresh temporary directory, which also writes the dimension
     tables, config.yaml and manifest.json; best of up to ``--repeats`` runs;
   * peak RSS: ``ru_maxrss`` of a fresh interpreter that ran only that one measurement, so cases
     do not contaminate each other. Generation streams batch by batch, so it should stay flat as
     the entity count grows. With ``--workers`` > 1 the largest worker's peak is shown after a "+".

3. Ratios: metric cells per second (engine rows/s x metrics) over numpy normal draws per second,
   that is how close the engine gets to one bare normal draw per cell; and engine rows/s per core
   used, where cores = min(--workers, batches, CPUs).
4. When the reference generator ``plotsim`` (PyPI) is importable, the minimal config goes through
   ``plotsim.generate_tables`` and ``plotsim_dbt.generate_tables`` (both return pandas DataFrames,
   same kwargs, ``numpy.random.default_rng(42)``) in one fresh interpreter per size: their
   rows/s and our speedup. A failure of the reference is reported in one line.

Every measurement, the numpy one included, runs in a child process (``bench.py --case JSON``)
that prints one JSON line; the parent imports only the standard library, because Linux carries a
parent's peak RSS across fork + exec into the child's ``ru_maxrss``. The table goes to stdout and
every figure to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from plotsim_dbt.config import Config

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
WINDOW = ("2024-01", "2024-12", "monthly")
PERIODS = 12  # months in WINDOW
SEED = 42
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
NORMAL_DRAWS = 10_000_000
CHILD_TIMEOUT = 1800.0
NOT_INSTALLED = "reference generator not installed (pip install plotsim) - skipped"

T = TypeVar("T")


# ----------------------------------------------------------------------------- configs


def config_kwargs(entities: int, metrics: int) -> dict[str, Any]:
    """Builder kwargs shared by plotsim_dbt and the reference: the minimal config, or 3 metrics."""
    metric_list: list[dict[str, Any]] = [{"name": "engagement", "type": "score", "polarity": "positive"}]
    extra: dict[str, Any] = {}
    if metrics == 3:
        metric_list += [
            {"name": "spend", "type": "amount", "range": [10, 500], "polarity": "positive"},
            {"name": "tickets", "type": "count", "polarity": "negative"},
        ]
        extra["connections"] = ["spend driven_by engagement"]
    return {
        "about": "benchmark accounts",
        "unit": "account",
        "window": WINDOW,
        "metrics": metric_list,
        "segments": [
            {"name": "g", "count": entities // 2, "archetype": "growth"},
            {"name": "d", "count": entities - entities // 2, "archetype": "decline"},
        ],
        "seed": SEED,
        **extra,
    }


def make_config(entities: int, metrics: int) -> Config:
    from plotsim_dbt import create

    return create(**config_kwargs(entities, metrics))


# ----------------------------------------------------------------------------- measuring


def best_time(fn: Callable[[], T], repeats: int, budget: float) -> tuple[float, T, int]:
    """Best wall time of ``fn`` over up to ``repeats`` runs (no new run once ``budget`` seconds
    are spent), with the last result and the number of runs."""
    times: list[float] = []
    while True:
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        if len(times) >= repeats or sum(times) >= budget:
            return min(times), result, len(times)


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size so far (ru_maxrss is KiB on Linux, bytes on macOS)."""
    unit = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(who).ru_maxrss * unit / 2**20


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()).split(" [type=")[0]  # pydantic: drop the error-type suffix
    return f"{type(exc).__name__}: {text[:160]}{'...' if len(text) > 160 else ''}"


# ----------------------------------------------------------------------------- child cases
# Each case imports numpy / plotsim_dbt itself so that the parent stays stdlib-only (see above).


def numpy_case(spec: dict[str, Any]) -> dict[str, Any]:
    """Standard normal draws per second from one PCG64 stream, one core, best of ``repeats``."""
    import numpy as np

    rng = np.random.Generator(np.random.PCG64(SEED))
    out = np.empty(NORMAL_DRAWS)
    seconds, _, runs = best_time(lambda: rng.standard_normal(out=out), spec["repeats"], budget=float("inf"))
    return {"draws": NORMAL_DRAWS, "seconds": seconds, "runs": runs, "draws_per_s": NORMAL_DRAWS / seconds}


def engine_case(spec: dict[str, Any]) -> dict[str, Any]:
    from plotsim_dbt.engine.runners import block_ranges, default_block_size, runner_for
    from plotsim_dbt.plan.resolve import resolve_plan

    config = make_config(spec["entities"], spec["metrics"])
    baseline = peak_rss_mb()
    workers = spec["workers"]

    def once() -> int:
        plan = resolve_plan(config)
        ranges = block_ranges(plan.entity_count, default_block_size(plan))
        fact = plan.fact_tables[0].name
        return sum(block[fact].num_rows for block in runner_for(workers, len(ranges)).map(plan, ranges))

    seconds, rows, runs = best_time(once, spec["repeats"], spec["budget"])
    plan = resolve_plan(config)
    batches = len(block_ranges(plan.entity_count, default_block_size(plan)))
    return {
        "seconds": seconds,
        "runs": runs,
        "rows": rows,
        "batches": batches,
        "cores": min(workers, batches, os.cpu_count() or 1),
        "rss_baseline_mb": baseline,
        "rss_mb": peak_rss_mb(),
        "rss_worker_mb": peak_rss_mb(resource.RUSAGE_CHILDREN) if workers > 1 else None,
    }


def e2e_case(spec: dict[str, Any]) -> dict[str, Any]:
    from plotsim_dbt import run

    config = make_config(spec["entities"], spec["metrics"])

    def once() -> int:
        with tempfile.TemporaryDirectory(prefix="plotsim_bench_") as tmp:
            result = run(config, tmp, format="parquet", validate=False, workers=spec["workers"])
        return result.row_counts[config.fact_tables[0]]

    seconds, rows, runs = best_time(once, spec["repeats"], spec["budget"])
    return {
        "seconds": seconds,
        "runs": runs,
        "rows": rows,
        "rss_mb": peak_rss_mb(),
        "rss_worker_mb": peak_rss_mb(resource.RUSAGE_CHILDREN) if spec["workers"] > 1 else None,
    }


def reference_case(spec: dict[str, Any]) -> dict[str, Any]:
    import numpy as np
    import plotsim  # the parent checked that it is importable

    from plotsim_dbt import generate_tables

    kwargs = config_kwargs(spec["entities"], 1)
    ours = make_config(spec["entities"], 1)
    fact = ours.fact_tables[0]
    with tempfile.TemporaryDirectory(prefix="plotsim_bench_ref_") as tmp:
        theirs = plotsim.create(**kwargs, output={"format": "csv", "directory": tmp, "cell_budget": 0})
        ref_seconds, ref_tables, ref_runs = best_time(
            lambda: plotsim.generate_tables(theirs, np.random.default_rng(SEED)), spec["repeats"], spec["budget"]
        )
    our_seconds, our_tables, our_runs = best_time(lambda: generate_tables(ours, np.random.default_rng(SEED)), spec["repeats"], spec["budget"])
    return {
        "version": getattr(plotsim, "__version__", "?"),
        "reference_rows": len(ref_tables[fact]),
        "reference_seconds": ref_seconds,
        "reference_runs": ref_runs,
        "ours_rows": len(our_tables[fact]),
        "ours_seconds": our_seconds,
        "ours_runs": our_runs,
    }


CASES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "numpy": numpy_case,
    "engine": engine_case,
    "e2e": e2e_case,
    "reference": reference_case,
}


def child_main(spec_json: str) -> None:
    """Run one case and print its figures as one JSON line (anything else printed goes to stderr)."""
    spec = json.loads(spec_json)
    with contextlib.redirect_stdout(sys.stderr):
        try:
            result = CASES[spec["kind"]](spec)
        except Exception as exc:  # reported as a one-line reason, never a crash of the parent
            result = {"error": one_line(exc)}
    print(json.dumps(result))


def in_child(spec: dict[str, Any]) -> dict[str, Any]:
    """Run a case in a fresh interpreter and return its figures, or {"error": reason}."""
    command = [sys.executable, str(Path(__file__).resolve()), "--case", json.dumps(spec)]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=CHILD_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {CHILD_TIMEOUT:.0f} s"}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        reason = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
        return {"error": f"child failed (exit {proc.returncode}): {reason}"}
    return json.loads(lines[-1])


# ----------------------------------------------------------------------------- formatting


def si(value: float) -> str:
    """A rate with three significant figures and a k/M/G suffix."""
    for factor, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= factor:
            return f"{value / factor:.3g}{suffix}"
    return f"{value:.3g}"


def rss(result: dict[str, Any]) -> str:
    worker = result.get("rss_worker_mb")
    return f"{result['rss_mb']:.0f}" + (f"+{worker:.0f}" if worker else "")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Right-aligned columns; a row with one cell spans the line after its first column."""
    widths = [len(h) for h in headers]
    for row in rows:
        cells = row if len(row) == len(headers) else row[:1]
        widths = [max(w, len(c)) for w, c in zip(widths, cells)] + widths[len(cells) :]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        if len(row) == len(headers):
            lines.append("  ".join(c.rjust(w) for c, w in zip(row, widths)))
        else:
            lines.append("  ".join([row[0].rjust(widths[0]), *row[1:]]))
    return "\n".join(lines)


# ----------------------------------------------------------------------------- driver


def parse_size(text: str) -> int:
    value = float(text)
    if value < 2 or value != int(value):
        raise argparse.ArgumentTypeError(f"an entity count is a whole number of at least 2, got {text!r}")
    return int(value)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", type=parse_size, help="entity counts (default 1e4 1e5 1e6)")
    parser.add_argument("--metrics", nargs="+", type=int, choices=(1, 3), default=[1, 3], help="config variants")
    parser.add_argument("--workers", type=int, default=1, help="worker processes for the engine and run()")
    parser.add_argument("--repeats", type=int, default=3, help="best of up to this many runs per figure")
    parser.add_argument("--budget", type=float, default=20.0, help="no new repeat once a figure took this many seconds")
    parser.add_argument("--quick", action="store_true", help="sizes 1e4 and 1e5 only, 3 s budget per figure")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.workers < 1 or args.repeats < 1:
        parser.error("--workers and --repeats must be at least 1")
    if args.sizes is None:
        args.sizes = list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    if args.quick:
        args.budget = min(args.budget, 3.0)
    return args


def measure_cases(args: argparse.Namespace, normal_rate: float) -> list[dict[str, Any]]:
    cases = []
    for metrics in args.metrics:
        for entities in args.sizes:
            spec = {"entities": entities, "metrics": metrics, "workers": args.workers}
            spec |= {"repeats": args.repeats, "budget": args.budget}
            engine = in_child({"kind": "engine", **spec})
            e2e = in_child({"kind": "e2e", **spec})
            case: dict[str, Any] = {"entities": entities, "metrics": metrics, "periods": PERIODS, "engine": engine, "e2e": e2e}
            if "error" not in engine:
                engine["rows_per_s"] = engine["rows"] / engine["seconds"]
                engine["rows_per_s_per_core"] = engine["rows_per_s"] / engine["cores"]
                case["cells_per_s_over_normal_per_s"] = engine["rows_per_s"] * metrics / normal_rate
            if "error" not in e2e:
                e2e["rows_per_s"] = e2e["rows"] / e2e["seconds"]
            cases.append(case)
            print(f"  measured {metrics} metric(s) x {entities:,} entities", file=sys.stderr, flush=True)
    return cases


def measure_reference(args: argparse.Namespace) -> dict[str, Any]:
    if importlib.util.find_spec("plotsim") is None:
        return {"skipped": NOT_INSTALLED}
    runs = []
    for entities in args.sizes:
        result = in_child({"kind": "reference", "entities": entities, "repeats": args.repeats, "budget": args.budget})
        if "error" not in result:
            result["reference_rows_per_s"] = result["reference_rows"] / result["reference_seconds"]
            result["ours_rows_per_s"] = result["ours_rows"] / result["ours_seconds"]
            result["speedup"] = result["ours_rows_per_s"] / result["reference_rows_per_s"]
        runs.append({"entities": entities, **result})
        print(f"  measured the reference at {entities:,} entities", file=sys.stderr, flush=True)
    return {"runs": runs}


def case_row(case: dict[str, Any]) -> list[str]:
    engine, e2e = case["engine"], case["e2e"]
    lead = [str(case["metrics"]), f"{case['entities']:,}", f"{case['entities'] * case['periods']:,}"]
    if "error" in engine:
        return [lead[0], f"x {lead[1]} entities: engine failed: {engine['error']}"]
    e2e_cells = ["failed", "-", "-"] if "error" in e2e else [si(e2e["rows_per_s"]), str(e2e["runs"]), rss(e2e)]
    return [
        *lead,
        si(engine["rows_per_s"]),
        str(engine["runs"]),
        e2e_cells[0],
        e2e_cells[1],
        f"{case['cells_per_s_over_normal_per_s']:.3g}",
        si(engine["rows_per_s_per_core"]),
        rss(engine),
        e2e_cells[2],
    ]


def report(results: dict[str, Any]) -> str:
    machine, cases = results["machine"], results["cases"]
    baselines = [c["engine"]["rss_baseline_mb"] for c in cases if "error" not in c["engine"]]
    out = [
        f"plotsim_dbt {machine['plotsim_dbt']} on {machine['platform']}, {machine['cpus']} CPUs, "
        f"Python {machine['python']}, numpy {machine['numpy']}, pyarrow {machine['pyarrow']}",
        f"numpy ceiling (PCG64 standard_normal, 1 core, best of 3): {si(results['numpy_normal_per_s'])} draws/s",
        f"{PERIODS} monthly periods, workers={results['settings']['workers']}; rates are fact rows/s; 'n' = runs taken (best of n)",
        "",
    ]
    headers = [
        "metrics",
        "entities",
        "fact rows",
        "engine/s",
        "n",
        "e2e parquet/s",
        "n",
        "cells/s / normal/s",
        "engine/s/core",
        "RSS engine MB",
        "RSS e2e MB",
    ]
    out.append(table(headers, [case_row(c) for c in cases]))
    out += [f"  {c['metrics']} metric(s) x {c['entities']:,}: e2e failed: {c['e2e']['error']}" for c in cases if "error" in c["e2e"]]
    if baselines:
        out.append(f"RSS of a child after imports and config, before generating: {min(baselines):.0f}-{max(baselines):.0f} MB")
    out.append("")
    reference = results["reference"]
    if "skipped" in reference:
        out.append(reference["skipped"])
        return "\n".join(out)
    out.append("reference generator: same minimal config, generate_tables(cfg, default_rng(42)) -> pandas")
    rows: list[list[str]] = []
    for r in reference["runs"]:
        if "error" in r:
            rows.append([f"{r['entities']:,}", f"failed: {r['error']}"])
        else:
            rows.append([f"{r['entities']:,}", si(r["reference_rows_per_s"]), si(r["ours_rows_per_s"]), f"{r['speedup']:.1f}x"])
    version = next((r["version"] for r in reference["runs"] if "version" in r), "?")
    out.append(table(["entities", f"plotsim {version}/s", "plotsim_dbt/s", "speedup"], rows))
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.case is not None:
        child_main(args.case)
        return
    print("measuring the numpy ceiling", file=sys.stderr, flush=True)
    ceiling = in_child({"kind": "numpy", "repeats": 3})
    if "error" in ceiling:
        sys.exit(f"the numpy reference failed: {ceiling['error']}")
    normal_rate = ceiling["draws_per_s"]
    results: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            **{name: importlib.metadata.version(name) for name in ("numpy", "pyarrow", "plotsim_dbt")},
        },
        "settings": {
            "sizes": args.sizes,
            "metrics": args.metrics,
            "workers": args.workers,
            "repeats": args.repeats,
            "budget_s": args.budget,
        },
        "numpy_normal_per_s": normal_rate,
    }
    results["cases"] = measure_cases(args, normal_rate)
    results["reference"] = measure_reference(args)
    print(report(results))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nfigures written to {RESULTS}")


if __name__ == "__main__":
    main()
