"""Which of the config's locales each row belongs to. An entity has one locale, picked once from
a stream keyed by the entity (so its names, cities and geo agree in every table); rows of a
reference or period dimension, which belong to no entity, pick their own. With one locale nothing is drawn."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa


def row_locales(block, rows) -> np.ndarray:
    """[rows] index into ``block.plan.config.locales`` of each row's locale."""
    count = len(block.plan.config.locales)
    if count == 1:
        return np.zeros(len(rows), dtype=np.int64)
    if rows.role in ("reference", "period"):
        u = block.uniforms(rows, ("locale", rows.table))[:, 0]
        return np.minimum((u * count).astype(np.int64), count - 1)
    u = block.uniforms(rows.one_per_entity(), ("locale",))[:, 0]
    return np.minimum((u * count).astype(np.int64), count - 1)[rows.local]


def by_locale(index: np.ndarray, locales: tuple[str, ...], make: Callable[[str, np.ndarray], pa.Array]) -> pa.Array:
    """One array from ``make(locale, rows)`` per locale (rows: the positions of that locale's rows), in row order."""
    if len(locales) == 1:
        return make(locales[0], np.arange(len(index)))
    groups = [np.flatnonzero(index == k) for k in range(len(locales))]
    parts = [make(locale, rows) for locale, rows in zip(locales, groups)]
    order = np.argsort(np.concatenate(groups), kind="stable")
    return pa.concat_arrays(parts).take(pa.array(order))
