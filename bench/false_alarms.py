"""False alarms of the scaffolded dbt tests on clean data, over many seeds.

Run ``python bench/false_alarms.py [--seeds 200] [--configs saas hr retail readme]``.

For each config (the bundled templates and the README's Python example) a project is written with
``init_project`` and its tests are compiled once by dbt (``dbt compile``). Then, per seed, the
warehouse is generated in memory through the pipeline the dbt models use (the declared tables, the
entity features and the truth tables), registered in DuckDB under the model names, and every
compiled statistical test is run against it: a test with rows fails, exactly as ``dbt test``
decides. Statistical tests are the ones whose SQL ends in ``where margin is null or margin < 0``;
run without that line they give their margin (how far the statistic stayed inside its bound, in
the test's own units), whose minimum over the seeds is printed. The other scaffolded tests
(row counts, keys, ranges, SCD2 and bridge truth) compare exact values, so no seed can trip them
by chance; the dbt integration tests run them.

Prints, per config and generic test: its severity, test instances per seed, seeds run, failing
runs (warnings for a test scaffolded with ``severity: warn``), worst margin. Exits non-zero when a
test of severity error failed. No dbt build runs per seed, so 200 seeds x 4 configs take
minutes rather than hours.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ("saas", "hr", "retail", "readme")
MARGIN_FILTER = "where margin is null or margin < 0"  # the last line of every statistical test's SQL


@dataclass
class Tally:
    instances: int = 0
    seeds: int = 0
    severity: str = "error"
    failures: int = 0
    failed_seeds: list[int] = field(default_factory=list)
    worst_margin: float | None = None


def readme_config():
    """The config of the README's Python example, taken from README.md itself."""
    import plotsim_dbt as ps

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    call = block[block.index("cfg = ps.create(") : block.index("\n)\n") + 3]
    scope = {"ps": ps}
    exec(call, scope)  # the README's own call, so the sweep follows any edit of it
    return scope["cfg"]


def config_file(name: str, work: Path) -> Path:
    from plotsim_dbt.config.load import dump_config
    from plotsim_dbt.templates import template_path

    if name.endswith((".yaml", ".yml")):
        return Path(name)
    if name != "readme":
        return template_path(name)
    path = work / "readme.yaml"
    path.write_text(dump_config(readme_config()), encoding="utf-8")
    return path


def compile_tests(name: str, work: Path) -> tuple[Path, list[tuple[str, str, str, str]]]:
    """(config file, [(generic test name, node id, severity, SQL of margin_sql)]) of the statistical
    tests of a fresh project for ``name``."""
    from plotsim_dbt.dbt.project import init_project

    source = config_file(name, work)
    label = Path(name).stem
    project = init_project(work / f"project_{label}", config_file=source)
    database = work / f"compile_{label}.duckdb"
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "PLOTSIM_DUCKDB_PATH": str(database)}
    for args in (["deps"], ["compile", "--select", "resource_type:test", "--threads", "1"]):
        command = [sys.executable, "-c", "from dbt.cli.main import cli; cli()", *args, "--project-dir", str(project), "--profiles-dir", str(project)]
        done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            sys.exit(f"dbt {args[0]} failed for {name}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    manifest = json.loads((project / "target" / "manifest.json").read_text(encoding="utf-8"))
    tests = []
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] == "test" and node.get("test_metadata") and "compiled_code" in node:  # not compiled: disabled
            sql = node["compiled_code"].replace(f'"{database.stem}"."main".', "")  # the seed's tables are registered by name
            statistic = margin_sql(sql)
            if statistic is not None:
                tests.append((node["test_metadata"]["name"], uid, node["config"]["severity"].lower(), statistic))
    return source, sorted(tests)


def margin_sql(sql: str) -> str | None:
    """For a statistical test: its failing rows (the rows dbt would count) and its smallest margin."""
    body = sql.rstrip().rstrip(";").rstrip()
    if not body.endswith(MARGIN_FILTER):
        return None
    return f"select count(*) filter (where margin is null or margin < 0), min(margin) from ({body[: -len(MARGIN_FILTER)]})"


def sweep(name: str, seeds: Sequence[int], work: Path, progress: int = 0) -> dict[str, Tally]:
    """Tallies per generic test of ``name``'s statistical tests over ``seeds``; with ``progress``,
    the table so far is printed every that many seeds."""
    from plotsim_dbt.config import create_from_yaml
    from plotsim_dbt.dbt.runtime import FEATURES_MODEL
    from plotsim_dbt.pipeline import Views, generate_into
    from plotsim_dbt.plan.resolve import resolve_plan
    from plotsim_dbt.sinks import MemorySink

    source, tests = compile_tests(name, work)
    config = create_from_yaml(source)
    tallies: dict[str, Tally] = {}
    for test_name, _, severity, _ in tests:
        tallies.setdefault(test_name, Tally(severity=severity)).instances += 1
    timing = {"generate": 0.0, "tests": 0.0}
    for seed in seeds:
        started = time.perf_counter()
        with MemorySink() as sink:  # the tables the dbt project builds, as bench_dbt.direct_load makes them
            generate_into(resolve_plan(config, seed), sink, views=Views(features=FEATURES_MODEL))
        timing["generate"] += time.perf_counter() - started
        started = time.perf_counter()
        con = duckdb.connect()
        try:
            for table, data in sink.tables.items():
                con.register(table, data)
            for tally in tallies.values():
                tally.seeds += 1
            for test_name, uid, _, sql in tests:
                tally = tallies[test_name]
                failing, margin = con.execute(sql).fetchone()
                if failing:
                    tally.failures += 1
                    tally.failed_seeds.append(seed)
                    print(f"  {tally.severity.upper()} {name} seed {seed}: {uid}", file=sys.stderr)
                if margin is not None and (tally.worst_margin is None or margin < tally.worst_margin):
                    tally.worst_margin = margin
        finally:
            con.close()
        timing["tests"] += time.perf_counter() - started
        if progress and (seed - seeds[0] + 1) % progress == 0:
            print(report({Path(name).stem: tallies}), flush=True)
    print(f"  {name}: generating {timing['generate']:.0f} s, tests {timing['tests']:.0f} s", file=sys.stderr)
    return tallies


def report(results: dict[str, dict[str, Tally]]) -> str:
    rows = [("config", "generic test", "severity", "per seed", "seeds", "failures", "worst margin")]
    for name, tallies in results.items():
        for test_name, t in sorted(tallies.items()):
            margin = "" if t.worst_margin is None else f"{t.worst_margin:.4g}"
            rows.append((name, test_name, t.severity, str(t.instances), str(t.seeds), str(t.failures), margin))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200, help="seeds 0..N-1 per config (200)")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--progress", type=int, default=0, help="print the table so far every N seeds")
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), help=f"{', '.join(CONFIGS)} or config YAML files")
    args = parser.parse_args(argv)
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    started = time.perf_counter()
    results = {}
    with tempfile.TemporaryDirectory(prefix="plotsim_false_alarms_") as work:
        for name in args.configs:
            results[Path(name).stem] = sweep(name, seeds, Path(work), args.progress)
            print(f"[{time.perf_counter() - started:.0f} s] {name}: {args.seeds} seeds done", file=sys.stderr)
    print(report(results))
    failures = sum(t.failures for tallies in results.values() for t in tallies.values() if t.severity == "error")
    warnings = sum(t.failures for tallies in results.values() for t in tallies.values() if t.severity != "error")
    print(
        f"\n{failures} failing and {warnings} warning test run(s) over seeds {seeds.start}..{seeds.stop - 1}; {time.perf_counter() - started:.0f} s"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
