"""A regular install: the wheel, installed into a fresh virtual environment (the package from the
wheel alone, no editable install or checkout on its path; the dependencies this environment
already has), runs `init`, the project it writes builds green after being moved to
another folder, and `demo` builds without writing into the installed package."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from dbt_helpers import copy_project

pytestmark = pytest.mark.slow

TIMEOUT = 900


def run(command: list, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PLOTSIM_DUCKDB_PATH")}
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, f"{command}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    source = copy_project(tmp / "source")  # the build writes build/ and *.egg-info: not into the checkout
    run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-w", tmp / "dist"], source)
    (wheel,) = (tmp / "dist").glob("plotsim_dbt-*.whl")
    # The dependencies come from this environment (installing them afresh takes minutes and tests
    # pip, not us); the package itself only from the wheel, which shadows any editable install.
    run([sys.executable, "-m", "venv", "--system-site-packages", tmp / "venv"], tmp)
    bin_dir = tmp / "venv" / "bin"
    run([bin_dir / "python", "-m", "pip", "install", "-q", "--no-deps", wheel], tmp)
    run([bin_dir / "python", "-m", "pip", "check"], tmp)  # the wheel's declared requirements are all met
    return bin_dir


def dbt(venv: Path, *args: str) -> list:
    return [venv / "python", "-c", "from dbt.cli.main import cli; cli()", *args]


def test_the_installed_package_is_the_wheel_with_its_dbt_project(venv, tmp_path):
    where = run([venv / "python", "-c", "import plotsim_dbt.dbt.project as p; print(p.__file__); print(p.package_root())"], tmp_path)
    module, root = where.stdout.split()
    assert str(venv.parent) in module and "site-packages" in module and Path(root) == Path(module).parents[1] / "dbt_package"
    assert (Path(root) / "macros" / "generic_tests" / "scd2_matches_truth.sql").is_file()
    assert (Path(root) / "models" / "plotsim" / "_plotsim__overview.md").is_file()


def test_init_moved_project_deps_and_build_green(venv, tmp_path):
    run([venv / "plotsim-dbt", "init", "first/analytics", "--template", "saas"], tmp_path)
    project = (tmp_path / "first" / "analytics").rename(tmp_path / "analytics")  # relocate the project
    for path in project.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert str(tmp_path) not in text and "site-packages" not in text, path
    assert {"target/", "dbt_packages/", "logs/", "*.duckdb"} <= set((project / ".gitignore").read_text().split())
    run(dbt(venv, "deps"), project)
    build = run(dbt(venv, "build"), project)
    assert "Done. PASS=" in build.stdout and " ERROR=0 " in build.stdout and " WARN=0 " in build.stdout
    assert "Deprecat" not in build.stdout


def test_demo_builds_outside_the_installed_package(venv, tmp_path):
    root = Path(run([venv / "python", "-c", "from plotsim_dbt.dbt.project import package_root; print(package_root())"], tmp_path).stdout.strip())
    before = sorted(p.relative_to(root) for p in root.rglob("*") if "__pycache__" not in p.parts)
    leftover = tmp_path / "demo" / "target" / "plotsim_demo.duckdb"
    leftover.parent.mkdir(parents=True)
    with duckdb.connect(str(leftover)) as con:  # a table an earlier run left in the file
        con.execute("create table fct_from_an_earlier_run as select 1 as x")
    done = run([venv / "plotsim-dbt", "demo", "--dir", "demo"], tmp_path)
    assert "fct_from_an_earlier_run" not in done.stdout  # the summary lists this run's tables only
    summary = re.search(r"plotsim_dbt demo: (\d+) tables, .* (\d+) of (\d+) tests passed", done.stdout)
    assert summary and int(summary[1]) >= 25 and summary[2] == summary[3], done.stdout[-3000:]
    assert "Running with dbt" not in done.stdout  # dbt's log stays quiet
    assert sorted(p.relative_to(root) for p in root.rglob("*") if "__pycache__" not in p.parts) == before
