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
from .engine.tables import dim_date
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


def generate_arrow(
    config: Config, *, seed: int | None = None, workers: int = 1, block_size: int | None = None, progress: Progress | None = None
) -> tuple[dict[str, pa.Table], Plan]:
    """Every table as an Arrow table, in order: dims, then facts."""
    plan = resolve_plan(config, seed)
    parts: dict[str, list[pa.RecordBatch]] = {}
    for batch in iter_batches(plan, workers=workers, block_size=block_size, progress=progress):
        for name, rows in batch.items():
            parts.setdefault(name, []).append(rows)
    tables = {"dim_date": dim_date(plan)}
    tables.update({name: pa.Table.from_batches(rows) for name, rows in parts.items()})
    return tables, plan


def generate_tables_with_state(
    config: Config, rng: np.random.Generator | None = None, *, workers: int = 1, block_size: int | None = None
) -> tuple[dict[str, pd.DataFrame], GenerationState]:
    tables, plan = generate_arrow(config, seed=seed_of(config, rng), workers=workers, block_size=block_size)
    return {name: table.to_pandas() for name, table in tables.items()}, GenerationState.of(plan)


def generate_tables(
    config: Config, rng: np.random.Generator | None = None, *, workers: int = 1, block_size: int | None = None
) -> dict[str, pd.DataFrame]:
    """Generate every table as a pandas DataFrame: dim_date, dim_<unit>, fct_<unit>."""
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
    """Primary-key, foreign-key and date-spine checks on generated tables."""
    return validate_tables(resolve_plan(config, seed), tables)


def _write_fact_rows(writer: DatasetWriter, plan: Plan, name: str, rows) -> list:
    """Write a fact batch, its holdout split, and return its entity-feature rows (if wanted)."""
    writer.write(name, rows)
    if plan.config.holdout is not None:
        train, held_out = split_holdout(plan, rows)
        writer.write(f"{name}_train", train)
        writer.write(f"{name}_holdout", held_out)
    return [entity_features(plan, rows)] if plan.config.entity_features is not None else []


def _finish(writer: DatasetWriter, plan: Plan, features: list, manifest: dict | None, validate_output: bool) -> ValidationReport | None:
    if features:
        writer.write("_entity_features", pa.concat_tables(features))
    writer.close_tables()
    writer.write_text("config.yaml", dump_config(plan.config))
    counts = {k: v for k, v in writer.row_counts.items() if not k.startswith("_")}
    writer.write_text("manifest.json", dumps(manifest if manifest is not None else manifest_dict(plan, counts)))
    report = None
    if validate_output:
        core = [plan.config.entity_table, plan.config.fact_table, "dim_date"]
        report = validate_files(plan, {t: writer.path(t) for t in core})
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
    holdout splits and entity features when the config asks for them."""
    seed = manifest["seed"] if manifest else None
    plan = resolve_plan(config, seed)
    directory = Path(output_dir or config.output.directory)
    with DatasetWriter(directory, format or config.output.format) as writer:
        features: list = []
        for name, table in tables.items():
            arrow = table if isinstance(table, pa.Table) else pa.Table.from_pandas(table, preserve_index=False)
            if name == config.fact_table:
                features += _write_fact_rows(writer, plan, name, arrow)
            else:
                writer.write(name, arrow)
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
        writer.write("dim_date", dim_date(plan))
        features: list = []
        for batch in iter_batches(plan, workers=workers, block_size=block_size, progress=progress):
            for name, rows in batch.items():
                if name == config.fact_table:
                    features += _write_fact_rows(writer, plan, name, rows)
                else:
                    writer.write(name, rows)
        report = _finish(writer, plan, features, None, validate)
        counts = dict(writer.row_counts)
    return RunResult(directory=directory, row_counts=counts, report=report)


def print_progress(done: int, total: int) -> None:
    """A one-line progress indicator on stderr."""
    sys.stderr.write(f"\r  generated {done:,} of {total:,} entities ({100 * done / max(total, 1):.0f}%)")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()
