"""dbt overhead benchmark: the same warehouse built by ``dbt run`` and loaded directly into DuckDB.

Run ``python bench/bench_dbt.py [--rows 1e7] [--threads 2] [--with-tests] [--quick]``.

What is measured
----------------
The bundled ``saas`` template is scaled so that the warehouse (every table dbt builds: the
declared tables, ``entity_features`` and the ``truth_*`` tables) has about ``--rows`` rows in
total: the segment counts are multiplied by one factor, estimated from the template's own row
count per company; everything else in the template is kept. Both paths then use that YAML file
and the same seed, in a temporary directory:

1. **dbt run**: ``plotsim_dbt.dbt.project.init_project(dir, config_file=scaled.yaml)`` writes a
   fresh project, ``dbt deps`` runs untimed, then ``dbt run --threads N`` (every model: the
   generation and the load) is timed into a new DuckDB file (``PLOTSIM_DUCKDB_PATH``). With
   ``--with-tests``, ``dbt build`` (models + tests) is timed as well, into another new file. The
   dbt CLI is the current interpreter's (``python -c "from dbt.cli.main import cli; cli()"``).
   Rows are counted afterwards from the DuckDB file; the lines ``plotsim_dbt: generated ...``
   that the runtime prints once per generation are counted in dbt's output.
2. **direct**: a fresh interpreter generates the same config and seed through the same pipeline
   into Arrow tables in memory (the data tables, ``entity_features`` and the truth tables) and
   loads every table into a new DuckDB file with ``con.register`` + ``CREATE TABLE t AS SELECT *
   FROM arrow_view`` (``direct_load``); generation and loading are timed separately.

For each path: rows, seconds, rows/s and peak RSS (``ru_maxrss`` of the process that did the
work: the dbt CLI process, from ``os.wait4``, or the direct child). The **dbt efficiency** is
direct seconds (generate + load, timed inside the child) over ``dbt run`` seconds (wall time of
the dbt process, interpreter start and project parsing included); the target is >= 0.6. The
table goes to stdout and every figure to bench/results/bench_dbt.json.

The parent imports only the standard library, as bench.py does: Linux carries a parent's peak RSS
across fork + exec into the child's ``ru_maxrss``. Work needing plotsim_dbt or duckdb runs in a
child (``bench_dbt.py --case JSON``) that prints one JSON line. No timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plotsim_dbt.config import Config

RESULTS = Path(__file__).resolve().parent / "results" / "bench_dbt.json"
TEMPLATE = "saas"
DEFAULT_ROWS = 10_000_000
QUICK_ROWS = 1_000_000
TIMEOUT = 3600.0  # seconds, per child process
GENERATED = "plotsim_dbt: generated"  # printed by plotsim_dbt.dbt.runtime once per generation
TAIL_LINES = 40
TARGET_EFFICIENCY = 0.6
PACKAGES = ("plotsim-dbt", "dbt-core", "dbt-duckdb", "duckdb", "pyarrow", "numpy")


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size so far (ru_maxrss is KiB on Linux, bytes on macOS)."""
    return rusage_mb(resource.getrusage(who).ru_maxrss)


def rusage_mb(maxrss: int) -> float:
    return maxrss * (1 if sys.platform == "darwin" else 1024) / 2**20


# ----------------------------------------------------------------------------- the direct path


def direct_load(config: Config, seed: int, path: str | Path) -> dict[str, Any]:
    """Generate ``config`` with ``seed`` and load every table the dbt project builds (the declared
    tables, the entity features when the config asks for them, and the truth tables) into a new
    DuckDB file at ``path``. Returns the rows per table and the seconds of each step.

    This is the one place that knows how the direct path loads: switch it to a sink API here."""
    import duckdb

    from plotsim_dbt.dbt.runtime import FEATURES_MODEL
    from plotsim_dbt.pipeline import Views, generate_into
    from plotsim_dbt.plan.resolve import resolve_plan
    from plotsim_dbt.sinks import MemorySink

    started = time.perf_counter()
    with MemorySink() as sink:  # the tables the dbt project builds: data, entity features, truth
        generate_into(resolve_plan(config, seed), sink, views=Views(features=FEATURES_MODEL))
    tables = sink.tables
    generated = time.perf_counter()
    con = duckdb.connect(str(path))
    try:
        for name, table in tables.items():
            con.register("arrow_view", table)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM arrow_view')
            con.unregister("arrow_view")
    finally:
        con.close()
    loaded = time.perf_counter()
    return {
        "generate_seconds": generated - started,
        "load_seconds": loaded - generated,
        "tables": {name: table.num_rows for name, table in tables.items()},
    }


# ----------------------------------------------------------------------------- child cases
# Each case imports plotsim_dbt / duckdb itself so that the parent stays stdlib-only (see above).


def all_rows(config: Config) -> int:
    """Rows of every table the dbt project builds for ``config`` (generated in memory)."""
    from plotsim_dbt.api import generate_arrow

    tables, state = generate_arrow(config)
    features = config.entity_count if config.entity_features is not None else 0
    return sum(t.num_rows for t in tables.values()) + features + sum(t.num_rows for t in state.truth.values())


def prepare_case(spec: dict[str, Any]) -> dict[str, Any]:
    """Write the template scaled to about ``rows`` rows and a fresh dbt project using it."""
    import yaml

    from plotsim_dbt.config import create_from_yaml
    from plotsim_dbt.dbt.project import init_project
    from plotsim_dbt.dbt.runtime import STREAM_ROWS
    from plotsim_dbt.plan.resolve import resolve_plan
    from plotsim_dbt.templates import template_path

    source = template_path(TEMPLATE)
    base = create_from_yaml(source)
    base_rows = all_rows(base)
    factor = spec["rows"] / base_rows
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["segments"] = [{**segment, "count": max(1, round(segment["count"] * factor))} for segment in data["segments"]]
    scaled = Path(spec["config_path"])
    header = f"# The bundled {TEMPLATE!r} template with every segment count x {factor:.4g} (bench/bench_dbt.py).\n"
    scaled.write_text(header + yaml.safe_dump(data, sort_keys=False, width=120), encoding="utf-8")
    config = create_from_yaml(scaled)
    init_project(spec["project_dir"], config_file=scaled)
    seed = config.seed if spec["seed"] is None else spec["seed"]
    plan = resolve_plan(config, seed)
    fact_rows = plan.entity_count * plan.periods * len(config.fact_tables)
    return {
        "template": TEMPLATE,
        "template_companies": base.entity_count,
        "template_rows": base_rows,
        "factor": factor,
        "companies": config.entity_count,
        "periods": plan.periods,
        "seed": seed,
        # The dbt runtime streams facts and events (each of their models generates again) above this.
        "fact_rows": fact_rows,
        "stream_rows": STREAM_ROWS,
        "streamed": fact_rows > STREAM_ROWS,
    }


def direct_case(spec: dict[str, Any]) -> dict[str, Any]:
    from plotsim_dbt.config import create_from_yaml

    config = create_from_yaml(spec["config_path"])
    baseline = peak_rss_mb()
    result = direct_load(config, spec["seed"], spec["database"])
    return {**result, "rss_baseline_mb": baseline, "rss_mb": peak_rss_mb()}


def count_case(spec: dict[str, Any]) -> dict[str, Any]:
    """Rows of every table in the DuckDB file's main schema."""
    import duckdb

    con = duckdb.connect(spec["database"], read_only=True)
    try:
        query = "select table_name from information_schema.tables where table_schema = 'main' order by 1"
        names = [row[0] for row in con.execute(query).fetchall()]
        return {"tables": {name: con.execute(f'select count(*) from "{name}"').fetchone()[0] for name in names}}
    finally:
        con.close()


CASES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "prepare": prepare_case,
    "direct": direct_case,
    "count": count_case,
}


def child_main(spec_json: str) -> None:
    """Run one case and print its figures as one JSON line (anything else printed goes to stderr)."""
    spec = json.loads(spec_json)
    with contextlib.redirect_stdout(sys.stderr):
        try:
            result = CASES[spec["kind"]](spec)
        except Exception as exc:  # the parent reports it and exits non-zero
            traceback.print_exc()
            result = {"error": f"{type(exc).__name__}: {exc}"}
    print(json.dumps(result))


# ----------------------------------------------------------------------------- processes


def tail(text: str, lines: int = TAIL_LINES) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def fail(what: str, output: str, hint: str = "") -> None:
    print(f"\n--- last lines of {what} ---\n{tail(output)}\n---", file=sys.stderr)
    sys.exit(f"bench_dbt: {what} failed{hint}")


def timed_process(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> dict[str, Any]:
    """Run ``command`` with its output in ``log``: wall seconds, exit code and its own peak RSS."""
    with log.open("w", encoding="utf-8") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        timer = threading.Timer(TIMEOUT, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)  # the child's own rusage, unlike RUSAGE_CHILDREN
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; keep Popen from waiting again
    return {"seconds": seconds, "exit_code": proc.returncode, "rss_mb": rusage_mb(usage.ru_maxrss), "timed_out": seconds >= TIMEOUT}


def in_child(spec: dict[str, Any], what: str) -> dict[str, Any]:
    """Run a case in a fresh interpreter; exit with its output's tail if it fails."""
    command = [sys.executable, str(Path(__file__).resolve()), "--case", json.dumps(spec)]
    started = time.perf_counter()
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        fail(what, str(exc.stderr or ""), f": timed out after {TIMEOUT:.0f} s")
    lines = proc.stdout.strip().splitlines()
    result = json.loads(lines[-1]) if lines else {"error": f"exit code {proc.returncode}, no output"}
    if proc.returncode != 0 or "error" in result:
        fail(what, proc.stderr, f": {result.get('error', f'exit code {proc.returncode}')}")
    return {**result, "child_seconds": time.perf_counter() - started}


def dbt(args: list[str], project: Path, database: Path, log: Path) -> dict[str, Any]:
    """Run the current interpreter's dbt CLI on ``project`` into ``database``; exit on failure."""
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_USE_COLORS": "false", "PLOTSIM_DUCKDB_PATH": str(database)}
    command = [sys.executable, "-c", "from dbt.cli.main import cli; cli()", *args, "--project-dir", str(project), "--profiles-dir", str(project)]
    result = timed_process(command, project, env, log)
    output = log.read_text(encoding="utf-8", errors="replace")
    if result["exit_code"] != 0:
        hint = f" (exit {result['exit_code']}{', timed out' if result['timed_out'] else ''}); full output kept in {log}"
        fail(f"dbt {args[0]}", output, hint)
    result["generations"] = output.count(GENERATED)
    result["generation_lines"] = [line.strip() for line in output.splitlines() if GENERATED in line]
    result |= run_results(project)
    return result


def run_results(project: Path) -> dict[str, Any]:
    """dbt's own figures from target/run_results.json: elapsed time, per-node times, test count."""
    path = project / "target" / "run_results.json"
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    nodes = [(r["unique_id"], r.get("execution_time") or 0.0, r.get("status")) for r in data.get("results", [])]
    models = sorted(((uid.split(".")[-1], t) for uid, t, _ in nodes if uid.startswith("model.")), key=lambda x: -x[1])
    tests = [(uid, t, s) for uid, t, s in nodes if uid.startswith("test.")]
    return {
        "dbt_elapsed_seconds": data.get("elapsed_time"),
        "models": len(models),
        "model_seconds_sum": sum(t for _, t in models),
        "slowest_models": [{"model": name, "seconds": t} for name, t in models[:5]],
        "tests": len(tests),
        "tests_passed": sum(s == "pass" for _, _, s in tests),
        "test_seconds_sum": sum(t for _, t, _ in tests),
    }


# ----------------------------------------------------------------------------- formatting


def si(value: float) -> str:
    """A number with three significant figures and a k/M/G suffix."""
    for factor, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= factor:
            return f"{value / factor:.3g}{suffix}"
    return f"{value:.3g}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(headers, widths)))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))) for row in rows]
    return "\n".join(lines)


def split_counts(tables: dict[str, int]) -> dict[str, int]:
    truth = sum(n for name, n in tables.items() if name.startswith("truth_"))
    total = sum(tables.values())
    return {"rows": total, "data_rows": total - truth, "truth_rows": truth, "table_count": len(tables)}


def compare(dbt_tables: dict[str, int], direct_tables: dict[str, int]) -> list[str]:
    """Tables whose row counts differ between the two paths (empty when they built the same)."""
    names = sorted(set(dbt_tables) | set(direct_tables))
    differ = [n for n in names if dbt_tables.get(n) != direct_tables.get(n)]
    return [f"{n}: dbt {dbt_tables.get(n, 'missing')}, direct {direct_tables.get(n, 'missing')}" for n in differ]


def report(results: dict[str, Any]) -> str:
    machine, setup, paths = results["machine"], results["setup"], results["paths"]
    versions = ", ".join(f"{k} {v}" for k, v in machine["versions"].items())
    out = [
        f"{machine['platform']}, {machine['cpus']} CPUs, Python {machine['python']}; {versions}",
        f"template {setup['template']!r} x {setup['factor']:.4g}: {setup['companies']:,} companies, seed {setup['seed']}, "
        f"dbt --threads {results['settings']['threads']}",
        "",
    ]
    rows = []
    for label, key in (("dbt run", "dbt_run"), ("dbt build (models + tests)", "dbt_build"), ("direct (generate + load)", "direct")):
        if key in paths:
            p = paths[key]
            rows.append([label, f"{p['rows']:,}", f"{p['seconds']:.2f}", si(p["rows"] / p["seconds"]), f"{p['rss_mb']:,.0f}"])
    direct = paths["direct"]
    rows.append(["  direct: generate", "", f"{direct['generate_seconds']:.2f}", "", ""])
    rows.append(["  direct: load", "", f"{direct['load_seconds']:.2f}", "", ""])
    out.append(table(["path", "rows", "seconds", "rows/s", "peak RSS MB"], rows))
    run = paths["dbt_run"]
    elapsed = run.get("dbt_elapsed_seconds") or 0.0
    out += [
        "",
        f"rows: {run['data_rows']:,} in data tables (entity_features included) + {run['truth_rows']:,} in truth_* tables, "
        f"{run['table_count']} tables",
        "same row counts in every table on both paths" if not results["mismatches"] else "ROW COUNTS DIFFER: " + "; ".join(results["mismatches"]),
        f"dbt run: {run['generations']} '{GENERATED} ...' line(s); dbt's own elapsed {elapsed:.2f} s, so {run['seconds'] - elapsed:.2f} s "
        "were spent outside it (interpreter start, imports, parsing the fresh project, writing artifacts, closing)",
        f"  {run.get('models', 0)} models summing {run.get('model_seconds_sum', 0):.2f} s over the threads; slowest: "
        + ", ".join(f"{m['model']} {m['seconds']:.2f} s" for m in run.get("slowest_models", [])[:3]),
    ]
    out += [f"    {line}" for line in run["generation_lines"]]
    if setup["streamed"]:
        out.append(
            f"  {setup['fact_rows']:,} fact rows > stream_rows {setup['stream_rows']:,}: facts and events were spilled to Parquet "
            "during the one generation and streamed back by their models"
        )
    if "dbt_build" in paths:
        b = paths["dbt_build"]
        out.append(
            f"dbt build: {b.get('tests_passed', 0)}/{b.get('tests', 0)} tests passed, summing {b.get('test_seconds_sum', 0):.2f} s; "
            f"{b['generations']} generation line(s)"
        )
    out += [
        f"direct child wall time (interpreter start and imports included): {direct['child_seconds']:.2f} s",
        "",
        f"dbt efficiency = direct seconds / dbt run seconds = {results['efficiency']:.2f} (target >= {TARGET_EFFICIENCY})",
        f"  with the direct child's whole wall time instead: {results['efficiency_child_wall']:.2f}",
    ]
    if "dbt_build" in paths:
        out.append(f"  direct seconds / dbt build seconds: {direct['seconds'] / paths['dbt_build']['seconds']:.2f}")
    return "\n".join(out)


# ----------------------------------------------------------------------------- driver


def parse_rows(text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if value < 1000 or value != int(value):
        raise argparse.ArgumentTypeError(f"--rows is a whole number of at least 1000, got {text!r}")
    return int(value)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=parse_rows, help=f"about this many rows in the warehouse (default {DEFAULT_ROWS:.0e})")
    parser.add_argument("--threads", type=int, default=2, help="dbt --threads (default 2)")
    parser.add_argument("--seed", type=int, help="seed for both paths (default: the template's)")
    parser.add_argument("--with-tests", action="store_true", help="also time `dbt build` (models + tests) into another new file")
    parser.add_argument("--quick", action="store_true", help=f"about {QUICK_ROWS:.0e} rows")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (project, config, DuckDB files)")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    if args.rows is None:
        args.rows = QUICK_ROWS if args.quick else DEFAULT_ROWS
    elif args.quick:
        parser.error("give --rows or --quick, not both")
    return args


def machine() -> dict[str, Any]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(), "versions": versions}


def step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def measure(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    project, scaled = work / "plotsim_bench", work / f"{TEMPLATE}_scaled.yaml"
    step(f"writing the {TEMPLATE!r} template scaled to about {args.rows:,} rows and a dbt project in {work}")
    setup = in_child({"kind": "prepare", "rows": args.rows, "seed": args.seed, "config_path": str(scaled), "project_dir": str(project)}, "prepare")
    setup.pop("child_seconds")
    seed = setup["seed"]
    step(f"{setup['companies']:,} companies (x {setup['factor']:.4g}); dbt deps")
    dbt(["deps"], project, work / "unused.duckdb", work / "dbt_deps.log")
    vars_arg = ["--vars", json.dumps({"plotsim_seed": seed})]
    paths: dict[str, Any] = {}

    step(f"dbt run --threads {args.threads}")
    run_db = work / "dbt_run.duckdb"
    paths["dbt_run"] = dbt(["run", "--threads", str(args.threads), *vars_arg], project, run_db, work / "dbt_run.log")
    step(f"dbt run took {paths['dbt_run']['seconds']:.1f} s; counting its rows")
    dbt_tables = in_child({"kind": "count", "database": str(run_db)}, "counting the dbt run's rows")["tables"]
    paths["dbt_run"] |= split_counts(dbt_tables) | {"tables": dbt_tables}

    if args.with_tests:
        step(f"dbt build --threads {args.threads}")
        build_db = work / "dbt_build.duckdb"
        paths["dbt_build"] = dbt(["build", "--threads", str(args.threads), *vars_arg], project, build_db, work / "dbt_build.log")
        paths["dbt_build"] |= split_counts(dbt_tables)  # the same models, counted once
        step(f"dbt build took {paths['dbt_build']['seconds']:.1f} s")

    step("direct: generate in memory + DuckDB load in a fresh interpreter")
    direct = in_child({"kind": "direct", "config_path": str(scaled), "seed": seed, "database": str(work / "direct.duckdb")}, "the direct load")
    direct["seconds"] = direct["generate_seconds"] + direct["load_seconds"]
    paths["direct"] = direct | split_counts(direct["tables"])
    step(f"direct took {direct['seconds']:.1f} s")

    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {"rows": args.rows, "threads": args.threads, "seed": seed, "with_tests": args.with_tests, "quick": args.quick},
        "setup": setup,
        "paths": paths,
        "mismatches": compare(dbt_tables, direct["tables"]),
        "efficiency": direct["seconds"] / paths["dbt_run"]["seconds"],
        "efficiency_child_wall": direct["child_seconds"] / paths["dbt_run"]["seconds"],
        "target_efficiency": TARGET_EFFICIENCY,
    }


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.case is not None:
        child_main(args.case)
        return
    work = Path(tempfile.mkdtemp(prefix="plotsim_bench_dbt_"))
    finished = False
    try:
        results = measure(args, work)
        finished = True
    finally:
        if finished and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"bench_dbt: the work directory is kept in {work}", file=sys.stderr)
    print(report(results))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nfigures written to {RESULTS}")


if __name__ == "__main__":
    main()
