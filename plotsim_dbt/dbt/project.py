"""Ready dbt projects: ``init`` writes a consumer project, ``demo`` builds the bundled one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from .. import __version__
from ..config import ConfigError, create_from_yaml
from ..sql import ident
from ..templates import template_path
from .scaffold import scaffold

PROFILE = """# A DuckDB file warehouse inside the project: no ~/.dbt edits needed.
{name}:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{{{{ env_var('PLOTSIM_DUCKDB_PATH', '{name}.duckdb') }}}}"
      threads: 2
      settings:
        enable_progress_bar: false
"""

PROJECT = """name: {name}
version: "1.0.0"
config-version: 2
profile: {name}
model-paths: ["models"]
macro-paths: ["macros"]
test-paths: ["tests"]
clean-targets: ["target", "dbt_packages", "logs"]

models:
  {name}:
    +materialized: table
"""


# init copies the dbt package into the project: a relative path keeps the project relocatable
# and committable, pinned to the plotsim_dbt version that wrote it.
VENDORED = "vendor/plotsim_dbt"
PACKAGES = f"""# The plotsim_dbt macros, copied here by `plotsim-dbt init` ({__version__}); `dbt deps` installs them.
# To follow the package's repository instead (the repository root is the dbt package):
#   - git: "<repository URL of plotsim_dbt>"
#     revision: <tag or commit>
packages:
  - local: {VENDORED}
"""
GITIGNORE = """target/
dbt_packages/
logs/
*.duckdb
*.duckdb.wal
.user.yml
"""


def package_root() -> Path:
    """The plotsim_dbt dbt project: shipped inside the wheel as ``dbt_package/``, or, in a source
    checkout (an editable install), the repository root, which is that project."""
    here = Path(__file__).resolve().parents[1]
    for root in (here / "dbt_package", here.parent):
        if (root / "dbt_project.yml").is_file() and (root / "macros").is_dir():
            return root
    raise FileNotFoundError(
        "the plotsim_dbt dbt project (dbt_project.yml, macros/) is missing from this installation; "
        "reinstall plotsim-dbt from its wheel or a source checkout"
    )


def vendor_package(directory: Path) -> Path:
    """Copy the dbt package (project file, macros and the example staging layer, off unless the
    var plotsim_staging_example turns it on; its demo models stay behind) into ``directory``,
    where a project's packages.yml can point with a relative path."""
    root = package_root()
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(root / "dbt_project.yml", directory / "dbt_project.yml")
    shutil.copytree(root / "macros", directory / "macros", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(root / "models" / "staging_example", directory / "models" / "staging_example")
    return directory


def init_project(directory: str | Path, *, template: str | None = None, config_file: str | Path | None = None) -> Path:
    """Write a ready dbt project: project file, profile, packages.yml, config, scaffolded models."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise FileExistsError(f"{directory} exists and is not empty; choose a new directory")
    if (template is None) == (config_file is None):
        raise ConfigError("init", "give exactly one of --template NAME or --config FILE")
    source = template_path(template) if template else Path(config_file)
    config = create_from_yaml(source)
    name = "".join(c if c.isalnum() else "_" for c in directory.resolve().name.lower()).strip("_") or "plotsim_project"
    if name[0].isdigit():
        name = f"p_{name}"
    directory.mkdir(parents=True, exist_ok=True)
    try:
        (directory / "dbt_project.yml").write_text(PROJECT.format(name=name), encoding="utf-8")
        (directory / "profiles.yml").write_text(PROFILE.format(name=name), encoding="utf-8")
        vendor_package(directory / VENDORED)
        (directory / "packages.yml").write_text(PACKAGES, encoding="utf-8")
        (directory / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        shutil.copyfile(source, directory / "plotsim.yaml")
        scaffold(config, "plotsim.yaml", directory / "models" / "plotsim")
        for folder in ("macros", "tests"):
            (directory / folder).mkdir(exist_ok=True)
    except Exception:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return directory


def dbt_command(args: list[str], project_dir: Path, work_dir: Path) -> int:
    """Run the dbt CLI of this interpreter on ``project_dir``, streaming its output. Everything dbt
    writes (target/, logs/, the DuckDB file of the demo profile) goes under ``work_dir``, so the
    project may be read-only (an installed package)."""
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": os.environ.get("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")}
    command = [
        sys.executable,
        "-c",
        "from dbt.cli.main import cli; cli()",
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]
    return subprocess.call(command, cwd=work_dir, env=env)


def demo(directory: str | Path = "plotsim_demo", threads: int | None = None, verbose: bool = False) -> int:
    """``dbt build`` the bundled demo warehouse into ``directory``, then summarise what this run built."""
    work = Path(directory).resolve()
    work.mkdir(parents=True, exist_ok=True)
    results = work / "target" / "run_results.json"
    results.unlink(missing_ok=True)  # the summary reads this run's results only
    if not verbose:
        print(f"plotsim_dbt demo: dbt build into {work}/ (about a minute; --verbose shows dbt's log)", flush=True)
    started = time.perf_counter()
    args = ["build"] + ([] if verbose else ["--log-level", "warn"]) + (["--threads", str(threads)] if threads else [])
    status = dbt_command(args, package_root(), work)
    seconds = time.perf_counter() - started
    if not results.is_file():
        print(f"dbt build failed (exit {status}) before running anything; see the output above", file=sys.stderr)
        return status or 1
    nodes = json.loads(results.read_text(encoding="utf-8"))["results"]
    built = sorted(r["unique_id"].split(".")[-1] for r in nodes if r["unique_id"].startswith("model.") and r["status"] == "success")
    tests = [r for r in nodes if r["unique_id"].startswith("test.")]
    failed = [r for r in nodes if r["status"] in ("error", "fail")]
    database = work / os.environ.get("PLOTSIM_DUCKDB_PATH", "target/plotsim_demo.duckdb")
    con = duckdb.connect(str(database), read_only=True)
    try:
        counts = {t: con.execute(f"select count(*) from {ident(t)}").fetchone()[0] for t in built}
    finally:
        con.close()
    passed = sum(r["status"] == "pass" for r in tests)
    print(
        f"\nplotsim_dbt demo: {len(built)} tables, {sum(counts.values()):,} rows in {database} ({seconds:.1f} s); "
        f"{passed} of {len(tests)} tests passed"
    )
    for table, rows in counts.items():
        print(f"  {table:<28} {rows:>10,}")
    for node in failed:
        print(f"! {node['status']}: {node['unique_id']}: {(node.get('message') or '').splitlines()[0] if node.get('message') else ''}")
    if status != 0:
        print(f"dbt build failed (exit {status})", file=sys.stderr)
    return status
