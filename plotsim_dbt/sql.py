"""Names and text inside generated SQL. Every identifier is quoted: a table or column may be named
like a keyword (`order`, `group`, `null`), and quoting is the one spelling that always works."""

from __future__ import annotations

import re
from functools import cache

import duckdb


def ident(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@cache
def _reserved() -> frozenset[str]:
    rows = duckdb.sql("select keyword_name from duckdb_keywords() where keyword_category = 'reserved'").fetchall()
    return frozenset(name for (name,) in rows)


def needs_quotes(name: str) -> bool:
    """Whether ``name`` must be quoted in SQL: not a plain lower-case name, or a reserved word."""
    return not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or name in _reserved()
