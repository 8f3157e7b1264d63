"""Thin wiring: config -> plan -> engine batches -> tables or sinks. No logic of its own."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from .config import Config, dump_config
from .engine.blocks import iter_batches
from .engine.tables import global_tables
from .features import entity_features, split_holdout
from .plan.resolve import Plan, resolve_plan
from .sinks import DatasetWriter
from .truth.manifest import dumps, manifest_dict
from .truth.state import GenerationState, Trajectories
from .validation import ValidationReport, validate_files, validate_tables

Progress = Callable[[int, int], None]


def seed_of(config: Config, rng: np.random.Generator | None = None) -> int:
    """The run seed. A Generator stands for the seed it was made from, so
    ``generate_tables(cfg, np.random.default_rng(cfg.seed))`` equals ``generate_tables(cfg)``."""
    if rng is None:
        return config.seed
    entropy = getattr(getattr(rng.bit_generator, "seed_seq", None), "entropy", None)
    if isinstance(entropy, int) and 0 <= entropy < 2**63:
        return entropy
    return int(rng.integers(0, 2**63 - 1))


def is_truth(name: str) -> bool:
    return name.startswith("truth_")


def generate_arrow(
    config: Config, *, seed: int | None = None, workers: int = 1, block_size: int | None = None, progress: Progress | None = None
) -> tuple[dict[str, pa.Table], GenerationState]:
    """Every table as an Arrow table (dim_date, dimensions, facts, events, bridges, in declared
    order) and the state holding the truth the engine recorded."""
    plan = resolve_plan(config, seed)
    parts: dict[str, list[pa.RecordBatch]] = {}
    for batch in iter_batches(plan, workers=workers, block_size=block_size, progress=progress):
        for name, rows in batch.items():
            parts.setdefault(name, []).append(rows)
    tables = global_tables(plan)
    for name in config.schema.table_names:
        if name not in tables:
            tables[name] = pa.Table.from_batches(parts[name])
    truth = {name: rows for name, rows in parts.items() if is_truth(name)}
    return tables, GenerationState.of(plan, truth)


def generate_tables_with_state(
    config: Config, rng: np.random.Generator | None = None, *, workers: int = 1, block_size: int | None = None
) -> tuple[dict[str, pd.DataFrame], GenerationState]:
    tables, state = generate_arrow(config, seed=seed_of(config, rng), workers=workers, block_size=block_size)
    return {name: table.to_pandas() for name, table in tables.items()}, state


def generate_tables(
    config: Config, rng: np.random.Generator | None = None, *, workers: int = 1, block_size: int | None = None
) -> dict[str, pd.DataFrame]:
    """Generate every table as a pandas DataFrame: dim_date, then the declared (or automatic) tables."""
    return generate_tables_with_state(config, rng, workers=workers, block_size=block_size)[0]


def build_manifest(
    config: Config,
    trajectories: Trajectories | None = None,
    tables: dict | None = None,
    *,
    scd_state=None,
    bridge_state=None,
    sample_rate: float | None = None,
) -> dict:
    """The answer key as a JSON-ready dict (see docs/manifest.md for every field)."""
    plan = trajectories.plan if isinstance(trajectories, Trajectories) else resolve_plan(config)
    counts = {name: len(table) for name, table in (tables or {}).items()}
    return manifest_dict(plan, counts, sample_rate, scd_state, bridge_state)


def validate(tables: dict, config: Config, *, seed: int | None = None) -> ValidationReport:
    """Primary keys, foreign keys, the date spine, SCD2 histories and bridge cardinality of generated tables."""
    return validate_tables(resolve_plan(config, seed), tables)


def _write_batch(writer: DatasetWriter, plan: Plan, batch: dict) -> list:
    """Write one batch of tables (truth records stay in memory), the holdout split of each fact,
    and return the batch's entity-feature rows (if wanted)."""
    cfg = plan.config
    facts = {}
    for name, rows in batch.items():
        if is_truth(name):
            continue
        writer.write(name, rows)
        if name in cfg.fact_tables:
            facts[name] = rows
            if cfg.holdout is not None:
                train, held_out = split_holdout(plan, rows, name)
                writer.write(f"{name}_train", train)
                writer.write(f"{name}_holdout", held_out)
    return [entity_features(plan, facts)] if cfg.entity_features is not None and facts else []


def _finish(writer: DatasetWriter, plan: Plan, features: list, manifest: dict, validate_output: bool) -> ValidationReport | None:
    if features:
        writer.write("_entity_features", pa.concat_tables(features))
    writer.close_tables()
    writer.write_text("config.yaml", dump_config(plan.config))
    writer.write_text("manifest.json", dumps(manifest))
    report = None
    if validate_output:
        names = ["dim_date", *plan.config.schema.table_names]
        report = validate_files(plan, {t: writer.path(t) for t in names})
        writer.write_text("validation_report.txt", report.text(plan))
    return report


def write_tables(
    tables: dict,
    config: Config,
    output_dir: str | Path | None = None,
    *,
    manifest: dict | None = None,
    format: str | None = None,
) -> Path:
    """Write generated tables plus config.yaml, manifest.json, validation_report.txt, and the
    holdout splits and entity features when the config asks for them. Without ``manifest``, the
    engine state (SCD2 changes, bridge links, calendar mixtures) is regenerated for it."""
    seed = manifest["seed"] if manifest else None
    plan = resolve_plan(config, seed)
    directory = Path(output_dir or config.output.directory)
    arrow = {name: t if isinstance(t, pa.Table) else pa.Table.from_pandas(t, preserve_index=False) for name, t in tables.items()}
    if manifest is None:
        state = generate_arrow(config, seed=plan.seed)[1]
        counts = {name: table.num_rows for name, table in arrow.items()}
        manifest = manifest_dict(plan, counts, None, state.scd, state.bridges)
    with DatasetWriter(directory, format or config.output.format) as writer:
        features = _write_batch(writer, plan, arrow)
        _finish(writer, plan, features, manifest, validate_output=True)
    return directory


@dataclass(frozen=True)
class RunResult:
    directory: Path
    row_counts: dict[str, int]
    report: ValidationReport | None


def run(
    config: Config,
    output_dir: str | Path | None = None,
    *,
    seed: int | None = None,
    workers: int = 1,
    block_size: int | None = None,
    format: str | None = None,
    validate: bool = True,
    progress: Progress | None = None,
) -> RunResult:
    """Generate and write a dataset, streaming batch by batch (memory is bounded by the batch)."""
    plan = resolve_plan(config, seed)
    directory = Path(output_dir or config.output.directory)
    with DatasetWriter(directory, format or config.output.format) as writer:
        for name, table in global_tables(plan).items():
            writer.write(name, table)
        features: list = []
        truth: dict[str, list] = {}
        for batch in iter_batches(plan, workers=workers, block_size=block_size, progress=progress):
            features += _write_batch(writer, plan, batch)
            for name in filter(is_truth, batch):
                truth.setdefault(name, []).append(batch[name])
        state = GenerationState.of(plan, truth)
        manifest = manifest_dict(plan, writer.row_counts, None, state.scd, state.bridges)
        report = _finish(writer, plan, features, manifest, validate)
        counts = dict(writer.row_counts)
    return RunResult(directory=directory, row_counts=counts, report=report)


def print_progress(done: int, total: int) -> None:
    """A one-line progress indicator on stderr."""
    sys.stderr.write(f"\r  generated {done:,} of {total:,} entities ({100 * done / max(total, 1):.0f}%)")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()
