"""A declared ``dim_date``. Ours is always generated with nine columns (date_key, date, year,
quarter, month, month_name, week, period_label, period_index), the same the reference always
writes whatever its declaration lists; so a declaration naming only those is dropped, and one
naming any other column is pending (issue 15: the reference silently leaves such columns out)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .common import Context, join


def check_date_dimension(columns: list[Any], path: str, ctx: Context, name_of: Callable[[dict, str], str | None]) -> None:
    """``name_of(column, path)`` checks a column's type or source and returns its name."""
    from ...plan.tables import DATE_COLUMNS  # the plan imports the config: resolve at call time

    ours = {name for name, _, _ in DATE_COLUMNS}
    for j, column in enumerate(columns):
        where = join(path, "columns", j)
        if not isinstance(column, dict):
            continue
        name = name_of(column, where)
        if name not in ours:
            ctx.pending.refuse(join(where, "name"), "date_columns", str(name))
