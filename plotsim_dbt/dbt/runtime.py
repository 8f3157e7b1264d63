"""What a scaffolded dbt Python model calls. The warehouse is generated once per process (one
dbt invocation), whatever the number of dbt threads, behind a lock: later models read the cache.
When the facts exceed ``stream_rows`` rows, facts and events are not cached: each of their models
streams its table batch by batch as a RecordBatchReader, so memory stays bounded by the batch."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from ..api import generate_arrow, is_truth
from ..config import Config, create_from_yaml
from ..engine.blocks import iter_batches
from ..engine.tables import global_tables
from ..features import entity_features
from ..plan.resolve import Plan, resolve_plan
from ..templates import list_templates, template_path
from ..truth.state import GenerationState
from ..truth.tables import truth_tables

FEATURES_MODEL = "entity_features"  # the entity-feature table, when the config asks for it
STREAM_ROWS = 5_000_000  # above this many fact rows, facts and events are streamed, not cached

_lock = threading.Lock()
_cache: dict[tuple, Warehouse] = {}


@dataclass(frozen=True)
class Warehouse:
    plan: Plan
    tables: dict[str, pa.Table]  # every table except streamed facts and events


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


def _streamed(plan: Plan) -> set[str]:
    schema = plan.config.schema
    return {t.name for t in [*schema.facts, *schema.events]}


def _build(config: Config, seed: int, stream_rows: int) -> Warehouse:
    plan = resolve_plan(config, seed)
    features = []
    if plan.entity_count * plan.periods * len(config.fact_tables) <= stream_rows:
        tables, state = generate_arrow(config, seed=seed)
        counts = {name: t.num_rows for name, t in tables.items()}
        if config.entity_features is not None:
            features.append(entity_features(plan, {name: tables[name] for name in config.fact_tables}))
    else:  # one pass that keeps the small tables and only counts the streamed ones
        streamed = _streamed(plan)
        counts = dict.fromkeys(streamed, 0)
        parts: dict[str, list[pa.RecordBatch]] = {}
        for batch in iter_batches(plan):
            if config.entity_features is not None:
                features.append(entity_features(plan, {name: batch[name] for name in config.fact_tables}))
            for name, rows in batch.items():
                if name in streamed:
                    counts[name] += rows.num_rows
                else:
                    parts.setdefault(name, []).append(rows)
        tables = global_tables(plan)
        tables |= {name: pa.Table.from_batches(parts[name]) for name in config.schema.table_names if name not in streamed | set(tables)}
        state = GenerationState.of(plan, {name: rows for name, rows in parts.items() if is_truth(name)})
        counts |= {name: t.num_rows for name, t in tables.items()}
    if features:
        tables[FEATURES_MODEL] = pa.concat_tables(features)
    tables.update(truth_tables(state, counts))
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


def _stream(plan: Plan, name: str) -> pa.RecordBatchReader:
    batches = (batch[name] for batch in iter_batches(plan))
    first = next(batches)
    return pa.RecordBatchReader.from_batches(first.schema, itertools.chain([first], batches))


def table(settings: dict, name: str) -> pa.Table | pa.RecordBatchReader:
    built = warehouse(settings)
    if name in built.tables:
        return built.tables[name]
    if name in _streamed(built.plan):
        return _stream(built.plan, name)
    raise ValueError(f"plotsim_dbt generates no table {name!r}; it has {', '.join(sorted(built.tables))}")
