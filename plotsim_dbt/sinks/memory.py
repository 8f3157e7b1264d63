"""Arrow tables in memory: what generate_arrow and the dbt runtime return."""

from __future__ import annotations

import pyarrow as pa

from .base import Sink


class MemorySink(Sink):
    holds_tables = True

    def __init__(self) -> None:
        super().__init__()
        self._parts: dict[str, list[pa.RecordBatch | pa.Table]] = {}
        self.tables: dict[str, pa.Table] = {}

    def _write(self, table: str, data: pa.RecordBatch | pa.Table) -> None:
        self._parts.setdefault(table, []).append(data)

    def close_tables(self) -> None:
        for name, parts in self._parts.items():
            tables = [pa.table(p) if isinstance(p, pa.RecordBatch) else p for p in parts]
            self.tables[name] = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
        self._parts.clear()

    def commit(self) -> None:
        self.close_tables()

    def abort(self) -> None:
        self._parts.clear()
        self.tables.clear()
