"""Names and text inside generated SQL. Every identifier is quoted: a table or column may be named
like a keyword (`order`, `group`, `null`), and quoting is the one spelling that always works."""

from __future__ import annotations


def ident(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
