"""Source quality faults (issue 13): the reference's six issues injected into fact and event
tables block by block, each hit recorded with its clean value in truth_quality_faults. The clean
tables stay reachable: ``generate_arrow(config, clean=True)`` generates them, and the holdout
splits and entity features are always computed from them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from ..config.models import Config

CLEAN_SUFFIX = "__clean"

T = TypeVar("T")


def clean_name(table: str) -> str:
    """The key of a faulted table's clean rows in a block's output (never written as a table)."""
    return table + CLEAN_SUFFIX


def split_clean(batch: Mapping[str, T]) -> tuple[dict[str, T], dict[str, T]]:
    """(the tables as written, the same tables with the clean rows in place of faulted ones)."""
    written = {name: rows for name, rows in batch.items() if not name.endswith(CLEAN_SUFFIX)}
    clean = {name.removesuffix(CLEAN_SUFFIX): rows for name, rows in batch.items() if name.endswith(CLEAN_SUFFIX)}
    return written, {**written, **clean}


def without_faults(config: Config) -> Config:
    """The same config with no quality issue: it generates the clean tables (every draw is the same)."""
    return config.model_copy(update={"quality": []})
