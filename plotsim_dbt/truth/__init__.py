"""Ground truth: what the engine decided, declared once in the truth registry and rendered as truth
tables, manifest.json, dbt descriptions and Python state. The imports register the tables in
the order they are listed."""

from . import run, entities, metrics, scd, lifecycle, bridges, calendar, events, noise, noise_faults, treatments, quality  # noqa: F401, I001  (registration order)
from ..cdc import truth as _cdc  # noqa: F401, E402  (registers the change-feed truth)
from ..sources import truth as _sources  # noqa: F401, E402  (registers the entity-resolution truth last)
from .registry import TRUTH, TruthTable, block_tables, run_tables

__all__ = ["TRUTH", "TruthTable", "block_tables", "run_tables"]
