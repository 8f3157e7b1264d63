"""Runs written into a directory, atomically as a whole.

Everything is written into a staging folder beside the output (``.<name>.partial-<pid>-*``); on
commit the previous output, if any, is moved aside and the staging folder takes its place, so the
directory holds either the previous run or this one, never a mix (no stale tables or report);
an aborted run leaves nothing, not even the parent folders it created.
A staging folder left by a killed run is removed by the next run into the same place, and an
output caught moved aside is put back. Only empty directories and earlier plotsim_dbt outputs
(holding its manifest.json) are replaced."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import duckdb
import pyarrow as pa

from ..sql import ident, literal
from .base import Sink
from .event_logs import log_lines

TRUTH_FOLDER = "truth"  # truth_* tables go here, beside the data tables


class DirectorySink(Sink):
    format: ClassVar[str]
    extension: ClassVar[str]
    reader: ClassVar[str]  # the DuckDB function that reads a file of this format

    def __init__(self, directory: str | Path):
        super().__init__()
        self.directory = Path(directory)
        _check_replaceable(self.directory)
        # Parent folders this run creates, removed again (when still empty) if the run aborts.
        self._created_parents = [p for p in self.directory.absolute().parents if not p.exists()]
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        _clean_stale(self.directory)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.directory.name}.partial-{os.getpid()}-", dir=self.directory.parent))
        self.logs: dict[str, tuple[str, str]] = {}  # event table -> (log file name, line format)

    def write(self, table: str, data: pa.RecordBatch | pa.Table) -> None:
        super().write(table, data)
        if table in self.logs:
            filename, template = self.logs[table]
            with open(self.staging / filename, "a", encoding="utf-8", newline="\n") as log:
                log.write(log_lines(template, data))

    def path(self, table: str) -> Path:
        """Where a table's file is staged (under truth/ for truth tables)."""
        folder = self.staging / TRUTH_FOLDER if table.startswith("truth_") else self.staging
        folder.mkdir(exist_ok=True)
        return folder / f"{table}.{self.extension}"

    def write_artifact(self, name: str, text: str) -> None:
        (self.staging / name).write_text(text, encoding="utf-8", newline="\n")

    def register_views(self, con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
        """Define a view per written table on ``con`` (for validation); tables must be closed."""
        for table in tables:
            con.execute(f"create view {ident(table)} as select * from {self.reader}({literal(str(self.path(table)))})")

    def commit(self) -> None:
        self.close_tables()
        _swap_in(self.staging, self.directory)

    def abort(self) -> None:
        try:
            self.close_tables()
        except Exception:  # the original error matters more than a close failure
            pass
        shutil.rmtree(self.staging, ignore_errors=True)
        for parent in self._created_parents:  # deepest first
            try:
                parent.rmdir()
            except OSError:  # not empty: something else lives there now
                break


def run_manifest(directory: str | Path) -> dict | None:
    """The manifest of the plotsim_dbt output in ``directory``, or None when it holds none."""
    try:
        manifest = json.loads((Path(directory) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    generator = manifest.get("generator") if isinstance(manifest, dict) else None
    return manifest if isinstance(generator, dict) and generator.get("name") == "plotsim_dbt" else None


def _check_replaceable(directory: Path) -> None:
    if not directory.exists():
        return
    if not directory.is_dir():
        raise FileExistsError(f"output {directory} is a file; give a directory")
    if not any(directory.iterdir()):
        return
    if run_manifest(directory) is None:
        raise FileExistsError(
            f"output directory {directory} holds files plotsim_dbt did not write (no plotsim_dbt manifest.json); "
            "choose a new or empty directory, it replaces the whole directory"
        )


def write_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """Write one file through ``write(temporary_path)`` beside it, then rename it into place: a
    reader sees the old file or the new one, never half of one, and a failure leaves no trace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.partial-{os.getpid()}-", dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_stale(directory: Path) -> None:
    """Remove staging folders of killed runs; restore an output a killed run had moved aside."""
    for kind in ("partial", "old"):
        for leftover in directory.parent.glob(f".{directory.name}.{kind}-*"):
            pid = leftover.name.removeprefix(f".{directory.name}.{kind}-").split("-", 1)[0]
            if not pid.isdigit() or _alive(int(pid)):
                continue
            if kind == "old" and not directory.exists():
                os.replace(leftover, directory)
            else:
                shutil.rmtree(leftover, ignore_errors=True)


def _swap_in(staging: Path, directory: Path) -> None:
    aside = None
    if directory.exists():
        aside = directory.with_name(f".{directory.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        os.replace(directory, aside)
    try:
        os.replace(staging, directory)
    except OSError:
        if aside is not None:
            os.replace(aside, directory)
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)
