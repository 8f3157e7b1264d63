"""``date`` / ``int`` / ``string`` / ``float``: typed columns added to dim_date (``date_columns``),
each a DuckDB SQL expression over dim_date's own columns (date_key, date, year, quarter, month,
month_name, week, period_label, period_index), e.g. a fiscal year or a holiday flag. Calendar
columns are the same for every entity, so they read no trajectory and draw nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
from pydantic import Field

from .base import CheckContext, ColumnPlan, ColumnSpec, register

ARROW = {"date": pa.date32(), "int": pa.int64(), "string": pa.string(), "float": pa.float64()}
SQL_TYPES = {"date": "DATE", "int": "BIGINT", "string": "VARCHAR", "float": "DOUBLE"}
# dim_date's own columns and their SQL types, to check an expression before any data exists
DATE_SQL = {
    "date_key": "INTEGER",
    "date": "DATE",
    "year": "SMALLINT",
    "quarter": "TINYINT",
    "month": "TINYINT",
    "month_name": "VARCHAR",
    "week": "TINYINT",
    "period_label": "VARCHAR",
    "period_index": "INTEGER",
}


def _select(word: str, sql: str, source: str) -> str:
    return f"select cast(({sql}) as {SQL_TYPES[word]}) as value from {source} order by period_index"


@dataclass(frozen=True)
class CalendarPlan(ColumnPlan):
    word: str = "int"
    sql: str = ""

    def from_calendar(self, standard: pa.RecordBatch) -> pa.Array:
        """The column for dim_date's standard columns ``standard`` (one row per period, in order)."""
        con = duckdb.connect()
        try:
            con.register("dim_date", pa.table(standard))
            return pa.array([row[0] for row in con.execute(_select(self.word, self.sql, "dim_date")).fetchall()], self.type)
        finally:
            con.close()


@register
class CalendarColumn(ColumnSpec):
    word: str
    sql: str = Field(min_length=1, description="date/int/string/float on dim_date: a DuckDB expression over dim_date's columns.")
    words = tuple(ARROW)
    roles = frozenset({"date"})
    encoded = ("word",)

    @classmethod
    def parse_type(cls, word: str, argument: str) -> dict[str, Any]:
        super().parse_type(word, argument)
        return {"word": word}

    @property
    def type(self) -> str:
        return self.word

    def check(self, ctx: CheckContext) -> None:
        empty = "(select " + ", ".join(f"null::{t} as {n}" for n, t in DATE_SQL.items()) + " limit 0)"
        try:
            duckdb.connect().execute(_select(self.word, self.sql, empty)).fetchall()
        except duckdb.Error as err:
            message = str(err).splitlines()[0]
            raise ValueError(f"{ctx.path}.sql: {message}; write a DuckDB expression over {', '.join(DATE_SQL)}") from None

    def resolve(self, ctx: Any) -> CalendarPlan:
        return CalendarPlan(
            self.name, ARROW[self.word], self.description or f"{self.word} column of dim_date: {self.sql}.", word=self.word, sql=self.sql
        )
