"""Build hook: the wheel ships the repository's dbt project (kept once in git, at the repository
root, which is itself the dbt project) as package data under plotsim_dbt/dbt_package/, so that
`plotsim-dbt init` and `demo` work from a regular install. Everything else is in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# What `demo` builds and `init` vendors; MANIFEST.in lists the same paths for the sdist.
DBT_PROJECT = ("dbt_project.yml", "profiles.yml", "macros", "models", "tests/dbt")


class BuildWithDbtProject(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout itself
            return
        target = Path(self.build_lib) / "plotsim_dbt" / "dbt_package"
        shutil.rmtree(target, ignore_errors=True)  # no leftovers of an earlier build
        for item in DBT_PROJECT:
            source, copy = ROOT / item, target / item
            if source.is_dir():
                shutil.copytree(source, copy, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, copy)


setup(cmdclass={"build_py": BuildWithDbtProject})
