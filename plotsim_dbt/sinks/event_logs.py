"""Event logs: an event table also written as a text file, one line per row, from a Python
format string over the row (``'{visited_at} visit {visit_id} by {account_id}'``). Lines follow
the table's row order, batch by batch, so the file does not depend on the block size. A null
renders as an empty field; a line break inside a value is written as \\n."""

from __future__ import annotations

import re
import string

import pyarrow as pa

# The run's own files, which a log may not replace.
RESERVED = ("config.yaml", "manifest.json", "validation_report.txt", "data.sql", "warehouse.duckdb")
FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


def check_log(template: str, filename: str | None, columns: list[str]) -> None:
    """A format whose every field is a column, and a plain file name beside the tables."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as err:
        raise ValueError(f"log_format: {err} in {template!r}; write fields as {{column}} and a literal brace as {{{{ or }}}}") from None
    if not fields:
        raise ValueError(f"log_format: {template!r} has no {{column}} field; name at least one of {', '.join(columns)}")
    for name in fields:
        if name not in columns:
            raise ValueError(f"log_format: {{{name}}} is not a column of the event; use one of {', '.join(columns)}")
    if filename is not None and (not FILE_NAME.fullmatch(filename) or filename in RESERVED or ".partial-" in filename):
        raise ValueError(f"log_filename: {filename!r} must be a plain file name (letters, digits, _ . -), not one of the run's own files")


def log_lines(template: str, rows: pa.RecordBatch | pa.Table) -> str:
    """The log lines of ``rows``."""
    columns = {name: ["" if v is None else v for v in rows.column(name).to_pylist()] for name in rows.schema.names}
    lines = (template.format(**{name: values[i] for name, values in columns.items()}) for i in range(rows.num_rows))
    return "".join(line.replace("\r", "\\r").replace("\n", "\\n") + "\n" for line in lines)  # one event, one line
