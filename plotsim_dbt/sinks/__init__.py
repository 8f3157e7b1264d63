"""Where runs go. ``directory_sink(format, directory)`` picks the file format's sink, importing it
only when asked for; ``MemorySink`` keeps Arrow tables in memory."""

from __future__ import annotations

import importlib
from pathlib import Path

from .base import Sink
from .directory import DirectorySink, run_manifest, write_atomically
from .memory import MemorySink

# format -> (module, class); a new format is one module plus a line here.
FORMATS = {
    "csv": ("csv_files", "CsvSink"),
    "parquet": ("parquet_files", "ParquetSink"),
    "duckdb": ("duckdb_file", "DuckDBSink"),
}


def directory_sink(fmt: str, directory: str | Path) -> DirectorySink:
    if fmt not in FORMATS:
        raise ValueError(f"output.format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    module, name = FORMATS[fmt]
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)(directory)


# format -> the module whose write_file(table, path) writes one table as one file
FILE_FORMATS = {"csv": "csv_files", "parquet": "parquet_files"}


def write_table_file(fmt: str, table, path: str | Path) -> Path:
    """One table as one file of a file format, written atomically."""
    if fmt not in FILE_FORMATS:
        raise ValueError(f"a single table is written as {' or '.join(FILE_FORMATS)}, not {fmt!r}")
    write = importlib.import_module(f"{__name__}.{FILE_FORMATS[fmt]}").write_file
    return write_atomically(Path(path), lambda temporary: write(table, temporary))


__all__ = ["FILE_FORMATS", "FORMATS", "DirectorySink", "MemorySink", "Sink", "directory_sink", "run_manifest",
           "write_atomically", "write_table_file"]
