"""The Python API: config (or a resolved Plan) -> pipeline -> tables or files. No logic of its own.

Every function takes a Config or a Plan from ``resolve_plan``; passing the Plan skips planning,
which matters when a config is used many times (traces, repeated validation)."""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from .columns.metrics import as_floats
from .config import Config, dump_config
from .engine.block import build_block
from .engine.streams import KEY_BLOCK
from .features import entity_features
from .pipeline import FILE_VIEWS, Progress, generate_into, write_views
from .plan.resolve import Plan, plan_of, resolve_plan
from .quality import without_faults
from .sinks import DirectorySink, MemorySink, directory_sink
from .truth import TRUTH, block_tables
from .truth.manifest import TruthSample, dumps, manifest_dict
from .truth.state import GenerationState, Trajectories
from .validation import ValidationReport, validate_relations
from .validation import validate_tables as _check_tables

Source = Config | Plan


def seed_of(config: Source, rng: np.random.Generator | None = None) -> int:
    """The run seed. A Generator stands for the seed it was made from, so
    ``generate_tables(cfg, np.random.default_rng(cfg.seed))`` equals ``generate_tables(cfg)``."""
    if rng is None:
        return config.seed
    entropy = getattr(getattr(rng.bit_generator, "seed_seq", None), "entropy", None)
    if isinstance(entropy, int) and 0 <= entropy < 2**63:
        return entropy
    return int(rng.integers(0, 2**63 - 1))


def generate_arrow(
    config: Source,
    *,
    seed: int | None = None,
    workers: int = 1,
    block_size: int | None = None,
    progress: Progress | None = None,
    tables: Collection[str] | None = None,
    clean: bool = False,
) -> tuple[dict[str, pa.Table], GenerationState]:
    """Every table as an Arrow table (dim_date, dimensions, facts, events, bridges, in declared
    order) and the state holding the truth tables. With ``tables``, only those tables (data or
    truth) are generated and returned, with exactly the rows a full run gives them. With
    ``clean``, the config's quality faults are left out: the tables as they were before them."""
    plan = plan_of(config, seed)
    if clean and plan.config.quality:
        plan = resolve_plan(without_faults(plan.config), plan.seed)
    unknown = sorted(set(tables or ()) - set(plan.tables) - set(TRUTH))
    if unknown:
        raise KeyError(f"no table named {', '.join(unknown)}; tables: {', '.join([*plan.tables, *TRUTH])}")
    with MemorySink() as sink:
        generate_into(plan, sink, names=tables, workers=workers, block_size=block_size, progress=progress)
    truth = {name: sink.tables[name] for name in TRUTH if name in sink.tables}
    if tables is not None:
        return {name: sink.tables[name] for name in tables}, GenerationState(plan, truth)
    return {name: sink.tables[name] for name in plan.tables}, GenerationState(plan, truth)


def generate_tables_with_state(
    config: Source, rng: np.random.Generator | None = None, *, workers: int = 1, block_size: int | None = None
) -> tuple[dict[str, pd.DataFrame], GenerationState]:
    tables, state = generate_arrow(config, seed=seed_of(config, rng), workers=workers, block_size=block_size)
    return {name: as_pandas(table) for name, table in tables.items()}, state


def as_pandas(table: pa.Table) -> pd.DataFrame:
    """A table as pandas: decimal metric columns become float64 holding the rounded values, since
    pandas keeps decimals as Python Decimal objects that numeric code (numpy, sklearn) cannot use.
    Arrow, Parquet and DuckDB outputs keep the decimal type."""
    columns = [as_floats(c) if pa.types.is_decimal(c.type) else c for c in table.columns]
    return pa.table(columns, names=table.column_names).to_pandas()


def generate_tables(
    config: Source, rng: np.random.Generator | None = None, *, workers: int = 1, block_size: int | None = None
) -> dict[str, pd.DataFrame]:
    """Generate every table as a pandas DataFrame: dim_date, then the declared (or automatic) tables."""
    return generate_tables_with_state(config, rng, workers=workers, block_size=block_size)[0]


def build_manifest(
    config: Source,
    trajectories: Trajectories | None = None,
    tables: dict | None = None,
    *,
    scd_state=None,
    bridge_state=None,
    sample_rate: float | None = None,
) -> dict:
    """The answer key as a JSON-ready dict (see docs/manifest.md). Truth the arguments carry (the
    state's trajectories, ``scd_state``, ``bridge_state``) is used as given; the rest is computed
    for the sampled entities only."""
    plan = trajectories.plan if isinstance(trajectories, Trajectories) else plan_of(config)
    sample = TruthSample(plan, sample_rate)
    known = dict(trajectories.truth) if isinstance(trajectories, Trajectories) else {}
    if scd_state is not None:
        known |= {"truth_scd_versions": scd_state.versions, "truth_scd_events": scd_state.events}
    if bridge_state is not None:
        known["truth_bridge_links"] = bridge_state.links
    sample.add(known)
    needed = [t.name for t in block_tables() if t.manifest is not None and t.name not in known]
    if needed:
        for key_block in np.unique(sample.entities // KEY_BLOCK):
            start = int(key_block) * KEY_BLOCK
            sample.add(build_block(plan, start, min(start + KEY_BLOCK, plan.entity_count), needed))
    counts = {name: len(table) for name, table in (tables or {}).items()}
    return manifest_dict(plan, counts, sample)


def validate(config: Source | dict, tables: dict | Source, *, seed: int | None = None) -> ValidationReport:
    """Check generated tables: primary keys, foreign keys, the date spine, SCD2 histories and bridge
    cardinality (errors), empty event tables and foreign keys collapsed onto one parent row
    (warnings). ``validate(config, tables)`` as the reference generator; the older order
    ``validate(tables, config)`` is recognised by the argument types and still works."""
    config, tables = _config_and_tables(config, tables)
    return _check_tables(plan_of(config, seed), tables)


validate_tables = validate  # the reference generator's second name for it (plotsim.validation.validate_tables)


def _config_and_tables(first, second) -> tuple[Source, Mapping]:
    if isinstance(first, Config | Plan) and isinstance(second, Mapping):
        return first, second
    if isinstance(first, Mapping) and isinstance(second, Config | Plan):
        return second, first
    raise TypeError(f"validate(config, tables) takes a Config (or Plan) and a dict of tables; got {type(first).__name__} and {type(second).__name__}")


def _validate_sink(plan: Plan, sink: DirectorySink) -> ValidationReport:
    con = duckdb.connect()
    try:
        sink.register_views(con, list(plan.tables))
        return validate_relations(plan, con)
    finally:
        con.close()


def _event_logs(plan: Plan) -> dict[str, tuple[str, str]]:
    """Event table -> (log file name, line format), for the events that declare a log."""
    return {e.name: (e.log_file, e.log_format) for e in plan.config.schema.events if e.log_format is not None}


def _finish(plan: Plan, sink: DirectorySink, manifest: dict, validate_output: bool) -> ValidationReport | None:
    """Close the tables and write the run's artifacts (config, manifest, validation report)."""
    sink.close_tables()
    sink.write_artifact("config.yaml", dump_config(plan.config))
    sink.write_artifact("manifest.json", dumps(manifest))
    report = _validate_sink(plan, sink) if validate_output else None
    if report is not None:
        sink.write_artifact("validation_report.txt", report.text(plan))
    return report


def write_tables(
    tables: dict,
    config: Source,
    output_dir: str | Path | None = None,
    *,
    manifest: dict | None = None,
    format: str | None = None,
) -> Path:
    """Write generated tables plus config.yaml, manifest.json, validation_report.txt, and the
    holdout splits and entity features when the config asks for them. The directory is replaced
    as a whole. Without ``manifest``, one is built (for the sampled entities only)."""
    plan = plan_of(config, manifest["seed"] if manifest else None)
    directory = Path(output_dir or plan.config.output.directory)
    arrow = {name: arrow_table(name, table, plan) for name, table in tables.items()}
    with directory_sink(format or plan.config.output.format, directory, plan.config.output, _event_logs(plan)) as sink:
        for name, table in arrow.items():
            sink.write(name, table)
        write_views(plan, sink, arrow, FILE_VIEWS)
        _finish(plan, sink, manifest or build_manifest(plan, tables=arrow), validate_output=True)
    return directory


def build_entity_features(config: Source, tables: Mapping, manifest: Mapping | None = None) -> pd.DataFrame:
    """One row per entity: six aggregates of each metric over the training periods (the holdout
    target's left out) plus the archetype label and final trajectory position, exactly the rows of
    ``_entity_features`` that ``write_tables`` writes for these tables. ``manifest`` is accepted for
    the reference generator's call shape; the labels come from the config."""
    plan = plan_of(config)
    facts = {t.name: arrow_table(t.name, tables[t.name], plan) for t in plan.fact_tables if t.name in tables}
    if not facts:
        raise ValueError(f"no fact table among the tables given; entity features aggregate {', '.join(t.name for t in plan.fact_tables)}")
    return entity_features(plan, facts).to_pandas()


def arrow_table(name: str, table, plan: Plan | None = None) -> pa.Table:
    """An Arrow table of a DataFrame or Arrow table. A DataFrame of one of the plan's tables gets its
    decimal metric columns back (``as_pandas`` made them floats), so it is written as a run writes it."""
    if isinstance(table, pa.Table):
        return table
    if isinstance(table, pd.DataFrame):
        arrow = pa.Table.from_pandas(table, preserve_index=False)
        if plan is None or name not in plan.tables:
            return arrow
        declared = plan.tables[name].schema
        fields = [
            declared.field(f.name) if f.name in declared.names and pa.types.is_decimal(declared.field(f.name).type) else f for f in arrow.schema
        ]
        return arrow.cast(pa.schema(fields, arrow.schema.metadata))
    raise TypeError(f"tables[{name!r}] is a {type(table).__name__}; give pandas DataFrames or Arrow tables")


@dataclass(frozen=True, eq=False)
class RunResult:
    """What ``run`` wrote. It stands for its output directory, as the reference generator's
    ``run() -> Path``: ``os.fspath(result)``, ``Path(result)``, ``str(result)``, ``result / "x.csv"``,
    ``result == Path(...)`` and Path's methods and properties (``result.exists()``, ``result.name``)."""

    directory: Path
    row_counts: dict[str, int]  # rows of every table written (data, splits, features, truth)
    report: ValidationReport | None

    def __fspath__(self) -> str:
        return os.fspath(self.directory)

    def __str__(self) -> str:
        return str(self.directory)

    def __truediv__(self, other: str | os.PathLike) -> Path:
        return self.directory / other

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RunResult):
            return (self.directory, self.row_counts, self.report) == (other.directory, other.row_counts, other.report)
        if isinstance(other, PurePath):
            return self.directory == other
        return NotImplemented

    __hash__ = None  # row_counts is a dict

    def __getattr__(self, name: str):
        if name.startswith("__") or name in {"directory", "row_counts", "report"}:
            raise AttributeError(name)
        return getattr(self.directory, name)


def run(
    config: Source,
    output_dir: str | Path | None = None,
    *,
    seed: int | None = None,
    strict: bool = False,
    workers: int = 1,
    block_size: int | None = None,
    format: str | None = None,
    validate: bool = True,
    progress: Progress | None = None,
) -> RunResult:
    """Generate and write a dataset, streaming block by block (memory is bounded by the block):
    the tables, their truth tables under truth/, the ML views, config.yaml, manifest.json and
    (with ``validate``) validation_report.txt. The directory is replaced as a whole.

    With ``strict``, the written tables are validated before the run is committed and any error
    raises ``ValueError``: nothing of the run is left (the output directory, or the earlier run
    in it, stays as it was). Warnings never fail a strict run."""
    plan = plan_of(config, seed)
    directory = Path(output_dir or plan.config.output.directory)
    with directory_sink(format or plan.config.output.format, directory, plan.config.output, _event_logs(plan)) as sink:
        output = generate_into(plan, sink, views=FILE_VIEWS, workers=workers, block_size=block_size, progress=progress)
        report = _finish(plan, sink, output.manifest, validate or strict)
        if strict and not report.ok:
            first = report.errors[0]
            raise ValueError(
                f"strict: validation found {len(report.errors)} error(s), nothing was written to {directory}; "
                f"first: {first.check} ({first.table}): {first.message}"
            )
    return RunResult(directory=directory, row_counts=dict(sink.row_counts), report=report)
