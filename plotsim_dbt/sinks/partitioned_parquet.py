"""Parquet with ``partition_by``: every table holding the column is written as hive-style folders
``<table>/<column>=<value>/part-0.parquet`` (the column itself lives in the folder names, as hive
readers expect); other tables stay one file, and a table without rows is an empty folder. Each
partition keeps the table's row order and fixed row groups, so the bytes do not depend on how the
run was split into blocks or workers."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ..sql import ident, literal
from .parquet_files import ParquetSink, _Table

NULL_FOLDER = "__HIVE_DEFAULT_PARTITION__"  # the hive name of a null partition value
PART = "part-0.parquet"


def _partitionable(kind: pa.DataType) -> bool:
    return any(test(kind) for test in (pa.types.is_integer, pa.types.is_string, pa.types.is_large_string, pa.types.is_date, pa.types.is_boolean))


def _folder_value(value: object) -> str:
    if value is None:
        return NULL_FOLDER
    if isinstance(value, bool):
        return str(value).lower()
    return quote(str(value), safe="")


class PartitionedParquetSink(ParquetSink):
    def __init__(self, directory, partition_by: str):
        super().__init__(directory)
        self.partition_by = partition_by
        self._partitioned: dict[str, pa.Schema] = {}  # table -> its schema, the column included
        self._parts: dict[tuple[str, str], _Table] = {}

    def _folder(self, table: str) -> Path:
        return self.path(table).with_suffix("")

    def _write(self, table: str, data: pa.RecordBatch | pa.Table) -> None:
        column = self.partition_by
        if column not in data.schema.names:
            super()._write(table, data)
            return
        kind = data.schema.field(column).type
        if not _partitionable(kind):
            raise ValueError(f"output.partition_by: {table}.{column} is {kind}; partition by an integer, text, date or boolean column")
        if table not in self._partitioned:
            self._partitioned[table] = data.schema
            self._folder(table).mkdir()  # an empty table is an empty folder
        data = pa.table(data) if isinstance(data, pa.RecordBatch) else data
        rest = data.drop_columns([column])
        values = data.column(column)
        for value in pc.unique(values).to_pylist():
            mask = pc.is_null(values) if value is None else pc.fill_null(pc.equal(values, pa.scalar(value, kind)), False)
            folder = self._folder(table) / f"{column}={_folder_value(value)}"
            key = (table, folder.name)
            if key not in self._parts:
                folder.mkdir(parents=True, exist_ok=True)
                self._parts[key] = _Table(str(folder / PART), rest.schema)
            self._parts[key].append(rest.filter(mask))

    def close_tables(self) -> None:
        super().close_tables()
        for part in self._parts.values():
            part.close()
        self._parts.clear()

    def register_views(self, con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
        """Partitioned tables are read back with their column in its place and its type."""
        plain = [t for t in tables if t not in self._partitioned]
        super().register_views(con, plain)
        column = self.partition_by
        for table in tables:
            if table not in self._partitioned:
                continue
            schema = self._partitioned[table]
            if not any(self._folder(table).iterdir()):
                con.register(f"__empty_{table}", schema.empty_table())
                con.execute(f"create view {ident(table)} as select * from {ident(f'__empty_{table}')}")
                continue
            kind = con.from_arrow(schema.empty_table()).types[schema.get_field_index(column)]
            files = literal(str(self._folder(table) / "*" / PART))
            source = f"read_parquet({files}, hive_partitioning = true, hive_types = {{{literal(column)}: {kind}}})"
            names = ", ".join(ident(n) for n in schema.names)
            con.execute(f"create view {ident(table)} as select {names} from {source}")
