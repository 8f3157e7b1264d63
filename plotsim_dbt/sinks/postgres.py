"""Every table in one PostgreSQL schema, swapped in atomically.

Tables are created with column types that keep the Arrow schema's meaning (DECIMAL -> NUMERIC(p,s),
date32 -> DATE, timestamp -> TIMESTAMP, int8 -> SMALLINT, ...) and filled batch by batch through
ADBC's bulk ingest (binary COPY); it measured faster than psycopg's COPY of the same Arrow
batches as CSV (bench/postgres_load.py). The whole load is one transaction: a staging schema is
created and filled, then the old schema dropped and the staging one renamed, so readers see the
previous load or this one, never a mix, and an aborted or killed load leaves nothing. The driver
is the optional ``postgres`` extra, imported when a sink is opened."""

from __future__ import annotations

import pyarrow as pa

from ..sql import ident
from .base import Sink

STAGING_SUFFIX = "__plotsim_loading"


def column_type(kind: pa.DataType) -> tuple[str, pa.DataType]:
    """The PostgreSQL type of an Arrow type, and the Arrow type the driver is handed for it."""
    if pa.types.is_int8(kind) or pa.types.is_int16(kind):
        return "smallint", pa.int16()
    if pa.types.is_int32(kind):
        return "integer", kind
    if pa.types.is_int64(kind):
        return "bigint", kind
    if pa.types.is_float32(kind):
        return "real", kind
    if pa.types.is_float64(kind):
        return "double precision", kind
    if pa.types.is_decimal(kind):
        return f"numeric({kind.precision},{kind.scale})", kind
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "text", pa.string()
    if pa.types.is_boolean(kind):
        return "boolean", kind
    if pa.types.is_date32(kind):
        return "date", kind
    if pa.types.is_timestamp(kind):
        return ("timestamptz" if kind.tz else "timestamp"), pa.timestamp("us", kind.tz)
    raise ValueError(f"no PostgreSQL column type for Arrow type {kind}")


def connect(url: str):
    """An ADBC DB-API connection to ``url`` (postgresql://user:password@host:port/database)."""
    try:
        import adbc_driver_postgresql.dbapi as adbc
    except ImportError as err:
        raise ImportError("loading into PostgreSQL needs the postgres extra: pip install 'plotsim-dbt[postgres]'") from err
    return adbc.connect(url)


class PostgresSink(Sink):
    def __init__(self, url: str, schema: str):
        super().__init__()
        if len(schema) + len(STAGING_SUFFIX) > 63:
            raise ValueError(f"schema name {schema!r} is too long for PostgreSQL's 63-character names with the staging suffix")
        self.schema = schema
        self.staging = schema + STAGING_SUFFIX
        self._con = connect(url)
        self._cursor = self._con.cursor()
        self._targets: dict[str, pa.Schema] = {}
        self._execute(f"drop schema if exists {ident(self.staging)} cascade", f"create schema {ident(self.staging)}")

    def _execute(self, *statements: str) -> None:
        for statement in statements:
            self._cursor.execute(statement)

    def _write(self, table: str, data: pa.RecordBatch | pa.Table) -> None:
        target = self._targets.get(table)
        if target is None:
            columns = [(field.name, *column_type(field.type)) for field in data.schema]
            ddl = ", ".join(f"{ident(name)} {sql}" for name, sql, _ in columns)
            self._execute(f"create table {ident(self.staging)}.{ident(table)} ({ddl})")
            target = self._targets[table] = pa.schema([(name, kind) for name, _, kind in columns])
        if data.num_rows:
            rows = pa.table(data) if isinstance(data, pa.RecordBatch) else data
            self._cursor.adbc_ingest(table, rows.cast(target), mode="append", db_schema_name=self.staging)

    def commit(self) -> None:
        self._execute(f"drop schema if exists {ident(self.schema)} cascade", f"alter schema {ident(self.staging)} rename to {ident(self.schema)}")
        self._con.commit()
        self._close()

    def abort(self) -> None:
        try:
            self._con.rollback()
        finally:
            self._close()

    def _close(self) -> None:
        self._cursor.close()
        self._con.close()
