"""Every table in one DuckDB database file, ``warehouse.duckdb``, beside the run's artifacts."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from ..sql import ident, literal
from .directory import DirectorySink

DATABASE = "warehouse.duckdb"


class DuckDBSink(DirectorySink):
    format = "duckdb"
    extension = "duckdb"
    reader = ""

    def __init__(self, directory):
        super().__init__(directory)
        self._con: duckdb.DuckDBPyConnection | None = None
        self._created: set[str] = set()

    @property
    def database(self):
        return self.staging / DATABASE

    def _write(self, table: str, data: pa.RecordBatch | pa.Table) -> None:
        if self._con is None:
            self._con = duckdb.connect(str(self.database))
            self._con.execute("set enable_progress_bar = false")
        relation = self._con.from_arrow(pa.table(data) if isinstance(data, pa.RecordBatch) else data)
        if table in self._created:
            relation.insert_into(table)
        else:
            relation.create(table)
            self._created.add(table)

    def close_tables(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def register_views(self, con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
        con.execute(f"attach {literal(str(self.database))} as warehouse (read_only)")
        for table in tables:
            con.execute(f"create view {ident(table)} as select * from warehouse.main.{ident(table)}")
