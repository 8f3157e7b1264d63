"""What a scaffolded dbt Python model calls. The warehouse is generated once per process (one
dbt invocation), whatever the number of dbt threads, behind a lock: later models read the cache.

When the facts exceed ``stream_rows`` rows, the facts and events are not kept in memory: the one
generation pass spills them to uncompressed Parquet in a temporary folder (removed at exit), and
each of their models streams its own file back as a RecordBatchReader, so memory stays bounded by
the block and nothing is generated twice."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..config import Config, create_from_yaml
from ..pipeline import Views, generate_into
from ..plan.resolve import Plan, resolve_plan
from ..plan.tables import EventTable, FactTable
from ..sinks import MemorySink
from ..templates import config_source

FEATURES_MODEL = "entity_features"  # the entity-feature table, when the config asks for it
STREAM_ROWS = 5_000_000  # above this many fact rows, facts and events are spilled and streamed
STREAM_BATCH_ROWS = 1_000_000

_lock = threading.Lock()
_cache: dict[tuple, Warehouse] = {}


@dataclass(frozen=True)
class Warehouse:
    plan: Plan
    tables: dict[str, pa.Table]  # every table kept in memory
    spilled: dict[str, Path]  # big tables, as Parquet files to stream from


class SpillSink(MemorySink):
    """Keeps tables in memory, except ``spill``: those go to Parquet files in ``folder``."""

    def __init__(self, spill: set[str], folder: Path):
        super().__init__()
        self.spill, self.folder = spill, folder
        self.files: dict[str, Path] = {}
        self._writers: dict[str, pq.ParquetWriter] = {}

    def _write(self, table: str, data: pa.RecordBatch | pa.Table) -> None:
        if table not in self.spill:
            return super()._write(table, data)
        if table not in self._writers:
            self.files[table] = self.folder / f"{table}.parquet"
            self._writers[table] = pq.ParquetWriter(str(self.files[table]), data.schema, compression="none")
        self._writers[table].write(data if isinstance(data, pa.Table) else pa.table(data))

    def close_tables(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()
        super().close_tables()


def load_settings(settings: dict) -> tuple[Config, int]:
    """The config and seed a model's ``plotsim`` settings name: ``{config: path or template, seed}``;
    a relative path is taken from the dbt project's folder."""
    if not isinstance(settings, dict) or "config" not in settings:
        raise ValueError("the model's `meta: plotsim:` settings need a `config:` entry (a YAML path or a template name)")
    config = create_from_yaml(config_source(str(settings["config"]), base=project_dir()))
    seed = settings.get("seed")
    return config, config.seed if seed in (None, "", "none", "None") else int(seed)


def project_dir() -> Path | None:
    """The folder of the dbt project being run: a relative config path is read from there, since
    dbt may run from another folder (``--project-dir``). None outside dbt (the working directory)."""
    try:
        from dbt.flags import get_flags
    except ImportError:
        return None
    folder = getattr(get_flags(), "PROJECT_DIR", None)
    return Path(folder) if folder else None


def _spill_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="plotsim-dbt-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _build(plan: Plan, stream_rows: int) -> Warehouse:
    big = plan.entity_count * plan.periods * len(plan.fact_tables) > stream_rows
    spill = {t.name for t in [*plan.tables_of(FactTable), *plan.tables_of(EventTable)]} if big else set()
    sink = SpillSink(spill, _spill_folder() if spill else Path())
    with sink:
        generate_into(plan, sink, views=Views(features=FEATURES_MODEL))
    return Warehouse(plan=plan, tables=sink.tables, spilled=sink.files)


def warehouse(settings: dict) -> Warehouse:
    """Every table for these settings, generated once per process."""
    config, seed = load_settings(settings)
    stream_rows = int(settings.get("stream_rows", STREAM_ROWS))
    key = (config.model_dump_json(), seed, stream_rows)
    with _lock:
        if key not in _cache:
            started = time.perf_counter()
            _cache[key] = _build(resolve_plan(config, seed), stream_rows)
            print(f"plotsim_dbt: generated {config.about!r} (seed {seed}) in {time.perf_counter() - started:.2f} s", flush=True)
        return _cache[key]


def table(settings: dict, name: str) -> pa.Table | pa.RecordBatchReader:
    built = warehouse(settings)
    if name in built.tables:
        return built.tables[name]
    if name in built.spilled:
        source = pq.ParquetFile(built.spilled[name])
        return pa.RecordBatchReader.from_batches(source.schema_arrow, source.iter_batches(batch_size=STREAM_BATCH_ROWS))
    raise ValueError(f"plotsim_dbt generates no table {name!r}; it has {', '.join(sorted([*built.tables, *built.spilled]))}")
