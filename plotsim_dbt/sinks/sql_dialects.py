"""How a SQL script spells names, column types and values in PostgreSQL, MySQL and SQLite.

Strings are quoted per dialect (MySQL also reads backslash as an escape, so it is doubled there);
dates and timestamps are typed literals where the dialect has them and ISO text in SQLite, which
stores them as TEXT; SQLite stores booleans as 0/1. Nested values (struct, list) are JSON text."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa

NULL = "NULL"


@dataclass(frozen=True)
class Dialect:
    name: str
    quote: str  # the identifier quote character
    text_type: str
    float_type: str
    decimal_type: str  # with {p} and {s}
    bool_type: str
    date_type: str
    timestamp_type: str
    json_type: str
    begin: str

    def ident(self, name: str) -> str:
        return self.quote + name.replace(self.quote, self.quote * 2) + self.quote

    def string(self, text: str) -> str:
        if self.name == "mysql":
            text = text.replace("\\", "\\\\")
        return "'" + text.replace("'", "''") + "'"

    def column_type(self, kind: pa.DataType) -> str:
        if pa.types.is_boolean(kind):
            return self.bool_type
        if pa.types.is_integer(kind):
            return "INTEGER" if self.name == "sqlite" or kind.bit_width <= 32 else "BIGINT"
        if pa.types.is_floating(kind):
            return self.float_type
        if pa.types.is_decimal(kind):
            return self.decimal_type.format(p=kind.precision, s=kind.scale)
        if pa.types.is_date(kind):
            return self.date_type
        if pa.types.is_timestamp(kind):
            return self.timestamp_type
        if pa.types.is_nested(kind):
            return self.json_type
        return self.text_type

    def renderer(self, kind: pa.DataType) -> Callable[[object], str]:
        """Turns one non-null Python value of an Arrow column of ``kind`` into a SQL literal."""
        if pa.types.is_boolean(kind):
            return (lambda v: "1" if v else "0") if self.name == "sqlite" else (lambda v: "TRUE" if v else "FALSE")
        if pa.types.is_integer(kind) or pa.types.is_decimal(kind):
            return str
        if pa.types.is_floating(kind):
            return self._float
        if pa.types.is_date(kind):
            return lambda v: self._typed("DATE", v.isoformat())
        if pa.types.is_timestamp(kind):
            return lambda v: self._typed("TIMESTAMP", v.isoformat(sep=" "))
        if pa.types.is_nested(kind):
            return lambda v: self.string(json.dumps(v, default=str, ensure_ascii=False))
        return lambda v: self.string(str(v))

    def _typed(self, keyword: str, text: str) -> str:
        return f"{keyword} {self.string(text)}" if self.name == "postgresql" else self.string(text)

    def _float(self, value: float) -> str:
        if math.isfinite(value):
            return repr(value)
        # Only PostgreSQL stores NaN and infinities; the others have no literal for them.
        return self.string(str(value).replace("inf", "Infinity").replace("nan", "NaN")) if self.name == "postgresql" else NULL


DIALECTS = {
    "postgresql": Dialect("postgresql", '"', "TEXT", "DOUBLE PRECISION", "NUMERIC({p}, {s})", "BOOLEAN", "DATE", "TIMESTAMP", "JSONB", "BEGIN;"),
    "mysql": Dialect("mysql", "`", "TEXT", "DOUBLE", "DECIMAL({p}, {s})", "BOOLEAN", "DATE", "DATETIME(6)", "JSON", "START TRANSACTION;"),
    "sqlite": Dialect("sqlite", '"', "TEXT", "REAL", "NUMERIC", "INTEGER", "TEXT", "TEXT", "TEXT", "BEGIN;"),
}
