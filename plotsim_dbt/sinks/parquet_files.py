"""One Parquet file per table (zstd). Rows are regrouped into row groups of a fixed size, so the
file's bytes do not depend on how the run was split into blocks or workers."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from .directory import DirectorySink

ROW_GROUP_ROWS = 262_144


class _Table:
    def __init__(self, path: str, schema: pa.Schema):
        self.writer = pq.ParquetWriter(path, schema, compression="zstd")
        self.pending: list[pa.RecordBatch | pa.Table] = []
        self.rows = 0

    def append(self, data: pa.RecordBatch | pa.Table) -> None:
        self.pending.append(data)
        self.rows += data.num_rows
        if self.rows >= ROW_GROUP_ROWS:
            self._flush(self.rows // ROW_GROUP_ROWS * ROW_GROUP_ROWS)

    def _flush(self, rows: int) -> None:
        buffered = pa.concat_tables([pa.table(p) if isinstance(p, pa.RecordBatch) else p for p in self.pending])
        for start in range(0, rows, ROW_GROUP_ROWS):
            # One contiguous chunk per row group: page boundaries then depend on the rows alone.
            group = buffered.slice(start, min(ROW_GROUP_ROWS, rows - start)).combine_chunks()
            self.writer.write_table(group, row_group_size=ROW_GROUP_ROWS)
        rest = buffered.slice(rows)
        self.pending, self.rows = ([rest] if rest.num_rows else []), rest.num_rows

    def close(self) -> None:
        if self.rows or not self.writer.is_open:
            self._flush(self.rows)
        self.writer.close()


class ParquetSink(DirectorySink):
    format = "parquet"
    extension = "parquet"
    reader = "read_parquet"

    def __init__(self, directory):
        super().__init__(directory)
        self._tables: dict[str, _Table] = {}

    def _write(self, table: str, data: pa.RecordBatch | pa.Table) -> None:
        if table not in self._tables:
            self._tables[table] = _Table(str(self.path(table)), data.schema)
        self._tables[table].append(data)

    def close_tables(self) -> None:
        for table in self._tables.values():
            table.close()
        self._tables.clear()


def write_file(table: pa.Table, path) -> None:
    """One table as one Parquet file, with the sink's compression and row groups."""
    table = table.combine_chunks()
    with pq.ParquetWriter(str(path), table.schema, compression="zstd") as writer:
        for start in range(0, max(table.num_rows, 1), ROW_GROUP_ROWS):
            writer.write_table(table.slice(start, ROW_GROUP_ROWS).combine_chunks(), row_group_size=ROW_GROUP_ROWS)
