"""Run dbt on the bundled project (or a consumer project) with outputs kept out of the checkout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]


def dbt(args: list[str], project: Path, work: Path, database: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run dbt on ``project``, from the project folder unless ``cwd`` names another."""
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "PLOTSIM_DUCKDB_PATH": str(database)}
    paths = [] if args[0] == "deps" else ["--target-path", str(work / "target")]
    command = [
        sys.executable,
        "-c",
        "from dbt.cli.main import cli; cli()",
        *args,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--log-path",
        str(work / "logs"),
        *paths,
    ]
    return subprocess.run(command, cwd=cwd or project, env=env, capture_output=True, text=True, timeout=600)


def results(work: Path) -> dict[str, str]:
    """unique_id -> status of the last dbt invocation in ``work``."""
    data = json.loads((work / "target" / "run_results.json").read_text())
    return {r["unique_id"]: r["status"] for r in data["results"]}


# Scaffolded with severity warn: their outcome on clean data depends on how strongly the config
# tells its story, not on sampling (docs/dbt.md, False alarms).
WARNINGS = ("archetype_recoverable", "lag_recovered")


def green(statuses: dict[str, str]) -> bool:
    """Every node passed, except that a warning-severity test may warn."""
    return bool(statuses) and all(s in ("pass", "success") or (s == "warn" and any(w in k for w in WARNINGS)) for k, s in statuses.items())


def compiled(work: Path) -> dict[str, str]:
    """unique_id -> compiled SQL of the last dbt invocation in ``work`` (tests and SQL models)."""
    data = json.loads((work / "target" / "run_results.json").read_text())
    return {r["unique_id"]: r["compiled_code"] for r in data["results"] if r.get("compiled_code")}


def reads(work: Path) -> dict[str, set[str]]:
    """unique_id -> names of the models, seeds and sources each test node of the last invocation's
    manifest reads (its depends_on nodes)."""
    nodes = json.loads((work / "target" / "manifest.json").read_text())["nodes"]
    return {uid: {dep.split(".")[-1] for dep in node["depends_on"]["nodes"]} for uid, node in nodes.items() if uid.startswith("test.")}


def copy_database(source: Path, target: Path, *statements: str) -> Path:
    """Copy a built DuckDB file and run ``statements`` (a fault) on the copy."""
    shutil.copyfile(source, target)
    con = duckdb.connect(str(target))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()
    return target


@dataclass(frozen=True)
class Built:
    """A built project kept for fault proofs. ``clean`` is an untouched copy of ``database``;
    ``statuses`` and ``sql`` are the build's results() and compiled(), taken before any later run
    overwrites run_results.json in ``work``. ``cwd`` is the folder dbt ran from (None: the project)."""

    project: Path
    work: Path
    database: Path
    clean: Path
    done: subprocess.CompletedProcess
    statuses: dict[str, str]
    sql: dict[str, str]
    cwd: Path | None = None


def keep_build(project: Path, work: Path, database: Path, done: subprocess.CompletedProcess, cwd: Path | None = None) -> Built:
    """Record the build that just ran in ``work`` on ``database`` (``done``) for fault proofs."""
    # the same file name keeps DuckDB's catalog name, which compiled SQL qualifies tables with
    clean = work / "clean" / database.name
    clean.parent.mkdir()
    shutil.copyfile(database, clean)
    return Built(project, work, database, clean, done, results(work), compiled(work), cwd)


@contextmanager
def faulted(built: Built, args: list[str], *statements: str) -> Iterator[subprocess.CompletedProcess]:
    """Run dbt ``args`` on the built warehouse with ``statements`` (a fault) applied; the clean
    warehouse is put back on exit. The fault stays at the build's database path and the run uses
    its target folder: dbt re-parses the whole project (about 5 s) when either changes, and reuses
    the build's parse otherwise. Inside the block ``built.database`` holds the fault, and results()
    and compiled() of ``built.work`` read this run."""
    copy_database(built.clean, built.database, *statements)
    try:
        yield dbt(args, built.project, built.work, built.database, cwd=built.cwd)
    finally:
        shutil.copyfile(built.clean, built.database)


def copy_project(target: Path) -> Path:
    """A copy of the bundled project to edit freely (build outputs, VCS data and wheels left out)."""
    shutil.copytree(
        ROOT,
        target,
        ignore=shutil.ignore_patterns(
            ".git",
            "target",
            "logs",
            "dbt_packages",
            "__pycache__",
            ".pytest_cache",
            "*.whl",
            "*.duckdb",
            "*.duckdb.wal",
            "*.egg-info",
            ".venv",
            "bench",
        ),
    )
    return target


def init_and_build(root: Path, name: str, config: str, files: dict[str, str] | None = None) -> Built:
    """`plotsim-dbt init --config` a project for the YAML text ``config`` under ``root``, add the
    user's ``files`` (path in the project -> text), then `dbt deps` and `dbt build` it green."""
    from plotsim_dbt.cli.main import main

    (root / f"{name}.yaml").write_text(config, encoding="utf-8")
    project = root / name
    assert main(["init", str(project), "--config", str(root / f"{name}.yaml")]) == 0
    for path, text in (files or {}).items():
        (project / path).write_text(text, encoding="utf-8")
    work, database = root / "work", root / f"{name}.duckdb"
    assert dbt(["deps"], project, work, database).returncode == 0
    done = dbt(["build"], project, work, database)
    assert done.returncode == 0, done.stdout[-4000:]
    return keep_build(project, work, database, done)
