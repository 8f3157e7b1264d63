"""One SQL script, ``data.sql``, that loads the run into PostgreSQL, MySQL or SQLite: per table
(in the order the run first wrote them) a ``CREATE TABLE`` and ``INSERT`` statements of 100 rows,
all in one transaction. No key constraints are declared: quality faults and change feeds repeat
keys by design.

Rows are staged in a scratch DuckDB database (tables arrive block by block, interleaved); the
script is rendered from it at commit, then the scratch database is deleted. Validation reads the
scratch database, so it sees exactly the rows of the script."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import duckdb
import pyarrow as pa

from ..sql import ident
from .directory import DirectorySink
from .duckdb_file import DuckDBSink
from .sql_dialects import DIALECTS, NULL, Dialect

SCRIPT = "data.sql"
SCRATCH = ".data.sql.scratch.duckdb"
INSERT_ROWS = 100


class SqlSink(DuckDBSink):
    format = "sql"
    extension = "sql"

    def __init__(self, directory, sql_dialect: str = "postgresql"):
        if sql_dialect not in DIALECTS:
            raise ValueError(f"output.sql_dialect must be one of {', '.join(DIALECTS)}, got {sql_dialect!r}")
        super().__init__(directory)
        self.dialect = DIALECTS[sql_dialect]
        self._order: list[str] = []

    @property
    def database(self) -> Path:
        return self.staging / SCRATCH

    def _write(self, table: str, data: pa.RecordBatch | pa.Table) -> None:
        if table not in self._order:
            self._order.append(table)
        super()._write(table, data)

    def commit(self) -> None:
        self.close_tables()
        if self._order:
            with duckdb.connect(str(self.database), read_only=True) as con, open(self.staging / SCRIPT, "w", encoding="utf-8", newline="\n") as out:
                write_script(con, self._order, self.dialect, out)
        for leftover in self.staging.glob(f"{SCRATCH}*"):  # the database and its write-ahead log
            leftover.unlink()
        DirectorySink.commit(self)


def write_script(con: duckdb.DuckDBPyConnection, tables: list[str], dialect: Dialect, out: TextIO) -> None:
    """The script of ``tables`` (DuckDB tables on ``con``) in ``dialect``."""
    out.write(f"-- plotsim_dbt data, {dialect.name} dialect\n{dialect.begin}\n")
    for table in tables:
        reader = con.sql(f"select * from {ident(table)}").to_arrow_reader(INSERT_ROWS * 100)
        schema = reader.schema
        name = dialect.ident(table)
        columns = ",\n".join(f"  {dialect.ident(f.name)} {dialect.column_type(f.type)}" for f in schema)
        out.write(f"\nCREATE TABLE {name} (\n{columns}\n);\n")
        head = f"INSERT INTO {name} ({', '.join(dialect.ident(n) for n in schema.names)}) VALUES\n"
        rows: list[str] = []
        for row in _rows(reader, dialect):
            rows.append(row)
            if len(rows) == INSERT_ROWS:
                out.write(head + ",\n".join(rows) + ";\n")
                rows = []
        if rows:
            out.write(head + ",\n".join(rows) + ";\n")
    out.write("\nCOMMIT;\n")


def _rows(reader: pa.RecordBatchReader, dialect: Dialect) -> Iterator[str]:
    renderers = [dialect.renderer(f.type) for f in reader.schema]
    for batch in reader:
        cells = [[NULL if v is None else render(v) for v in column.to_pylist()] for render, column in zip(renderers, batch.columns)]
        for values in zip(*cells):
            yield "  (" + ", ".join(values) + ")"
