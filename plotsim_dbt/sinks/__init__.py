"""Where runs go. ``directory_sink(format, directory)`` picks the file format's sink, importing it
only when asked for; ``MemorySink`` keeps Arrow tables in memory."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from .base import Sink
from .directory import DirectorySink, run_manifest, write_atomically
from .memory import MemorySink

if TYPE_CHECKING:
    from ..config.outputs import Output

# format -> (module, class); a new format is one module plus a line here.
FORMATS = {
    "csv": ("csv_files", "CsvSink"),
    "parquet": ("parquet_files", "ParquetSink"),
    "jsonl": ("jsonl_files", "JsonlSink"),
    "sql": ("sql_script", "SqlSink"),
    "duckdb": ("duckdb_file", "DuckDBSink"),
}


def directory_sink(fmt: str, directory: str | Path, output: Output | None = None, logs: dict[str, tuple[str, str]] | None = None) -> DirectorySink:
    """The sink of a format; ``output`` (the config's output section) gives the format's options:
    ``sql_dialect`` for sql, ``partition_by`` for parquet (hive-style folders); ``logs`` the event
    logs to write beside the tables (event table -> (file name, line format))."""
    sink = _sink(fmt, directory, output)
    sink.logs = dict(logs or {})
    return sink


def _sink(fmt: str, directory: str | Path, output: Output | None) -> DirectorySink:
    if fmt not in FORMATS:
        raise ValueError(f"output.format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    partition_by = output.partition_by if output is not None else None
    if partition_by is not None and fmt != "parquet":
        raise ValueError(f"output.partition_by writes Parquet folders, not {fmt}; write parquet or remove partition_by")
    if partition_by is not None:
        from .partitioned_parquet import PartitionedParquetSink

        return PartitionedParquetSink(directory, partition_by)
    module, name = FORMATS[fmt]
    sink = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    return sink(directory, output.sql_dialect) if fmt == "sql" and output is not None else sink(directory)


# format -> the module whose write_file(table, path) writes one table as one file
FILE_FORMATS = {"csv": "csv_files", "parquet": "parquet_files", "jsonl": "jsonl_files"}


def write_table_file(fmt: str, table, path: str | Path) -> Path:
    """One table as one file of a file format, written atomically."""
    if fmt not in FILE_FORMATS:
        raise ValueError(f"a single table is written as {', '.join(FILE_FORMATS)}, not {fmt!r}")
    write = importlib.import_module(f"{__name__}.{FILE_FORMATS[fmt]}").write_file
    return write_atomically(Path(path), lambda temporary: write(table, temporary))


__all__ = ["FILE_FORMATS", "FORMATS", "DirectorySink", "MemorySink", "Sink", "directory_sink", "run_manifest", "write_atomically", "write_table_file"]
