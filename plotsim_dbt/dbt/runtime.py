"""What a scaffolded dbt Python model calls. The warehouse is generated once per process (one
dbt invocation), whatever the number of dbt threads, behind a lock: later models read the cache.
A fact table larger than ``stream_rows`` is not cached: its model streams it batch by batch as a
RecordBatchReader, so memory stays bounded by the batch."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from ..api import generate_arrow
from ..config import Config, create_from_yaml
from ..engine.blocks import batch_ranges, default_block_size, iter_batches
from ..engine.tables import dim_date, entity_batch
from ..plan.resolve import Plan, resolve_plan
from ..templates import list_templates, template_path
from ..truth.tables import truth_tables

STREAM_ROWS = 5_000_000  # facts above this many rows are streamed, not cached

_lock = threading.Lock()
_cache: dict[tuple, Warehouse] = {}


@dataclass(frozen=True)
class Warehouse:
    plan: Plan
    tables: dict[str, pa.Table]  # every table except streamed facts


def load_settings(settings: dict) -> tuple[Config, int]:
    """The config and seed a model's ``plotsim`` settings name: ``{config: path or template, seed}``."""
    if not isinstance(settings, dict) or "config" not in settings:
        raise ValueError("the model's `plotsim` config needs a `config:` entry (a YAML path or a template name)")
    source = str(settings["config"])
    path = Path(source)
    if not path.exists() and source in list_templates():
        path = template_path(source)
    config = create_from_yaml(path)
    seed = settings.get("seed")
    return config, config.seed if seed in (None, "", "none", "None") else int(seed)


def _build(config: Config, seed: int, stream_rows: int) -> Warehouse:
    plan = resolve_plan(config, seed)
    fact_rows = plan.entity_count * plan.periods
    if fact_rows <= stream_rows:
        tables, plan = generate_arrow(config, seed=seed)
    else:
        ranges = batch_ranges(plan.entity_count, default_block_size(plan))
        entities = pa.Table.from_batches([entity_batch(plan, start, stop) for start, stop in ranges])
        tables = {"dim_date": dim_date(plan), config.entity_table: entities}
    counts = {name: t.num_rows for name, t in tables.items()} | {config.fact_table: fact_rows}
    tables.update(truth_tables(plan, counts))
    return Warehouse(plan=plan, tables=tables)


def warehouse(settings: dict) -> Warehouse:
    """Every cached table for these settings, generated once per process."""
    config, seed = load_settings(settings)
    stream_rows = int(settings.get("stream_rows", STREAM_ROWS))
    key = (config.model_dump_json(), seed, stream_rows)
    with _lock:
        if key not in _cache:
            started = time.perf_counter()
            _cache[key] = _build(config, seed, stream_rows)
            print(f"plotsim_dbt: generated {config.about!r} (seed {seed}) in {time.perf_counter() - started:.2f} s", flush=True)
        return _cache[key]


def _stream_fact(plan: Plan) -> pa.RecordBatchReader:
    name = plan.config.fact_table
    batches = (batch[name] for batch in iter_batches(plan))
    first = next(batches)
    return pa.RecordBatchReader.from_batches(first.schema, itertools.chain([first], batches))


def table(settings: dict, name: str) -> pa.Table | pa.RecordBatchReader:
    built = warehouse(settings)
    if name in built.tables:
        return built.tables[name]
    if name == built.plan.config.fact_table:
        return _stream_fact(built.plan)
    raise ValueError(f"plotsim_dbt generates no table {name!r}; it has {', '.join(sorted(built.tables))}")
