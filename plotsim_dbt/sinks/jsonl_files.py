"""One JSON Lines file per table: a JSON object per row, keys in column order, null for a missing
value, ISO dates, decimals as exact numbers. Each row is rendered on its own, so the bytes do not
depend on how the run was split into blocks or workers."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import duckdb
import pyarrow as pa

from ..sql import ident, literal
from .directory import DirectorySink


def _lines(con: duckdb.DuckDBPyConnection, data: pa.RecordBatch | pa.Table) -> bytes:
    con.register("batch", data)
    try:
        rows = con.execute("select to_json(batch)::varchar from batch").fetchall()
    finally:
        con.unregister("batch")
    return "".join(row + "\n" for (row,) in rows).encode("utf-8")


class JsonlSink(DirectorySink):
    format = "jsonl"
    extension = "jsonl"
    reader = "read_json"

    def __init__(self, directory):
        super().__init__(directory)
        self._con: duckdb.DuckDBPyConnection | None = None
        self._files: dict[str, BinaryIO] = {}
        self._schemas: dict[str, pa.Schema] = {}

    def _write(self, table: str, data: pa.RecordBatch | pa.Table) -> None:
        if self._con is None:
            self._con = duckdb.connect()
        if table not in self._files:
            self._files[table] = open(self.path(table), "wb")  # noqa: SIM115  (closed in close_tables)
            self._schemas[table] = data.schema
        self._files[table].write(_lines(self._con, data))

    def close_tables(self) -> None:
        for file in self._files.values():
            file.close()
        self._files.clear()
        if self._con is not None:
            self._con.close()
            self._con = None

    def register_views(self, con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
        """Views read the files with the written schema (JSON alone would not tell a date from a string)."""
        for table in tables:
            types = con.from_arrow(self._schemas[table].empty_table()).types
            columns = ", ".join(f"{literal(name)}: {literal(str(kind))}" for name, kind in zip(self._schemas[table].names, types))
            con.execute(
                f"create view {ident(table)} as select * from read_json({literal(str(self.path(table)))}, "
                f"format = 'newline_delimited', columns = {{{columns}}})"
            )


def write_file(table: pa.Table, path: Path) -> None:
    """One table as one JSON Lines file, as the sink writes it."""
    with duckdb.connect() as con:
        Path(path).write_bytes(_lines(con, table))
