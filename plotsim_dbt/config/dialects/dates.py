"""A declared ``dim_date``. Ours is always generated with nine columns (date_key, date, year,
quarter, month, month_name, week, period_label, period_index), the same the reference always
writes whatever its declaration lists; so the declaration's columns with those names are dropped,
and any other column becomes one of our ``date_columns`` (a typed column computed by a SQL
expression over the nine; the reference silently leaves such columns out)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .common import Context, join


def date_columns(columns: list[Any], path: str, ctx: Context, as_ours: Callable[[dict, str], dict]) -> list[dict]:
    """Our ``date_columns`` for the declared dim_date's extra columns; ``as_ours(column, path)``
    checks a column's type or source and returns it in our form."""
    from ...plan.tables import DATE_COLUMNS  # the plan imports the config: resolve at call time

    ours = {name for name, _, _ in DATE_COLUMNS}
    extra: list[dict] = []
    for j, column in enumerate(columns):
        where = join(path, "columns", j)
        if not isinstance(column, dict):
            continue
        mine = as_ours(column, where)
        if mine.get("name") not in ours:
            ctx.trail.note(join("date_columns", len(extra)), where)
            extra.append(mine)
    return extra
