"""What a scaffolded dbt Python model calls. The warehouse is generated once per process (one
dbt invocation), whatever the number of dbt threads, behind a lock: later models read the cache."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pyarrow as pa

from ..api import generate_arrow
from ..config import Config, create_from_yaml
from ..templates import list_templates, template_path
from ..truth.tables import truth_tables

_lock = threading.Lock()
_cache: dict[tuple, dict[str, pa.Table]] = {}


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


def warehouse(settings: dict) -> dict[str, pa.Table]:
    """Every generated and ground-truth table for these settings, generated once per process."""
    config, seed = load_settings(settings)
    key = (config.model_dump_json(), seed)
    with _lock:
        if key not in _cache:
            started = time.perf_counter()
            tables, plan = generate_arrow(config, seed=seed)
            tables.update(truth_tables(plan, {name: t.num_rows for name, t in tables.items()}))
            _cache[key] = tables
            print(f"plotsim_dbt: generated {config.about!r} (seed {seed}) in {time.perf_counter() - started:.2f} s", flush=True)
        return _cache[key]


def table(settings: dict, name: str) -> pa.Table:
    tables = warehouse(settings)
    if name not in tables:
        raise ValueError(f"plotsim_dbt generates no table {name!r}; it has {', '.join(sorted(tables))}")
    return tables[name]
