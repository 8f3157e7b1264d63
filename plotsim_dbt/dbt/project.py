"""Ready dbt projects: ``init`` writes a consumer project, ``demo`` builds the bundled one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

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
clean-targets: ["target", "dbt_packages"]

models:
  {name}:
    +materialized: table
"""


def package_root() -> Path:
    """The dbt package (dbt_project.yml + macros/) this Python package belongs to."""
    root = Path(__file__).resolve().parents[2]
    if not (root / "dbt_project.yml").is_file() or not (root / "macros").is_dir():
        raise FileNotFoundError(
            "the plotsim_dbt dbt package (dbt_project.yml, macros/) was not found beside the Python package; "
            "install plotsim_dbt from a source checkout (pip install -e PATH) to use the dbt commands"
        )
    return root


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
        (directory / "packages.yml").write_text(f'packages:\n  - local: "{package_root()}"\n', encoding="utf-8")
        shutil.copyfile(source, directory / "plotsim.yaml")
        scaffold(config, "plotsim.yaml", directory / "models" / "plotsim")
        for folder in ("macros", "tests"):
            (directory / folder).mkdir(exist_ok=True)
    except Exception:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return directory


def dbt_command(args: list[str], project_dir: Path) -> int:
    """Run the dbt CLI of this interpreter in ``project_dir``, streaming its output."""
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": os.environ.get("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")}
    command = [sys.executable, "-c", "from dbt.cli.main import cli; cli()", *args,
               "--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
    return subprocess.call(command, cwd=project_dir, env=env)


def demo(threads: int | None = None, extra: list[str] | None = None) -> int:
    """``dbt build`` the bundled demo warehouse, then summarise what was built."""
    root = package_root()
    started = time.perf_counter()
    args = ["build"] + (["--threads", str(threads)] if threads else []) + (extra or [])
    status = dbt_command(args, root)
    seconds = time.perf_counter() - started
    database = root / os.environ.get("PLOTSIM_DUCKDB_PATH", "target/plotsim_demo.duckdb")
    if status != 0 or not database.exists():
        print(f"dbt build failed (exit {status}); see the output above", file=sys.stderr)
        return status or 1
    con = duckdb.connect(str(database), read_only=True)
    try:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables where table_schema = 'main' order by 1").fetchall()]
        counts = {t: con.execute(f"select count(*) from {ident(t)}").fetchone()[0] for t in tables}
    finally:
        con.close()
    print(f"\nplotsim_dbt demo: {len(tables)} tables, {sum(counts.values()):,} rows in {database} ({seconds:.1f} s)")
    for table, rows in counts.items():
        print(f"  {table:<24} {rows:>10,}")
    return 0
