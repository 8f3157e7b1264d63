"""Where runs go. ``directory_sink(format, directory)`` picks the file format's sink, importing it
only when asked for; ``MemorySink`` keeps Arrow tables in memory."""

from __future__ import annotations

import importlib
from pathlib import Path

from .base import Sink
from .directory import DirectorySink
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


__all__ = ["FORMATS", "DirectorySink", "MemorySink", "Sink", "directory_sink"]
