"""The one way a run goes: plan -> blocks on a runner -> a sink, with the run's truth tables, the
ML views (holdout splits, entity features) and the manifest's truth sample. ``run``,
``write_tables``, ``generate_arrow`` and the dbt runtime all call ``generate_into``."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import pyarrow as pa

from .engine.block import global_tables
from .engine.runners import block_ranges, default_block_size, runner_for
from .features import entity_features, split_holdout
from .plan.resolve import Plan
from .plan.size import check_fits
from .quality import split_clean
from .sinks import Sink
from .truth import TRUTH, run_tables
from .truth.manifest import TruthSample, manifest_dict

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Views:
    """Derived tables a run also writes: per-fact holdout splits (``<fact>_train`` /
    ``<fact>_holdout``, when the config has a holdout) and entity features (under ``features``)."""

    splits: bool = False
    features: str | None = None


FILE_VIEWS = Views(splits=True, features="_entity_features")


@dataclass(frozen=True)
class RunOutput:
    row_counts: dict[str, int]  # rows of each generated table (dim_date, dimensions, facts, events, bridges)
    manifest: dict | None  # None when only some tables were generated


def write_views(plan: Plan, sink: Sink, batch: dict[str, pa.RecordBatch | pa.Table], views: Views) -> None:
    """The holdout splits and entity-feature rows of one block's (or a whole run's) fact rows."""
    facts = {t.name: batch[t.name] for t in plan.fact_tables if t.name in batch}
    if views.splits and plan.cutoff_period is not None:
        for name, rows in facts.items():
            train, held_out = split_holdout(plan, rows, name)
            sink.write(f"{name}_train", train)
            sink.write(f"{name}_holdout", held_out)
    if views.features and plan.config.entity_features is not None and facts:
        sink.write(views.features, entity_features(plan, facts))


def generate_into(
    plan: Plan,
    sink: Sink,
    *,
    names: Collection[str] | None = None,
    views: Views = Views(),
    workers: int = 1,
    block_size: int | None = None,
    progress: Progress | None = None,
) -> RunOutput:
    """Write the run's tables (or only ``names``) and truth tables into ``sink``; the caller commits it."""
    check_fits(plan, in_memory=sink.holds_tables)
    ranges = block_ranges(plan.entity_count, block_size or default_block_size(plan))
    wanted = None if names is None else set(names)
    # A table that reports every table's row count (truth_run) makes the whole run count rows.
    counting = wanted is None or any(TRUTH[n].needs_row_counts for n in wanted if n in TRUTH)
    made = None if counting else wanted
    counts: dict[str, int] = {}

    def put(name: str, rows: pa.RecordBatch | pa.Table) -> None:
        counts[name] = counts.get(name, 0) + rows.num_rows
        if wanted is None or name in wanted:
            sink.write(name, rows)

    for name, table in global_tables(plan, made).items():
        put(name, table)
    per_block = None if made is None else [n for n in made if n in TRUTH or (n in plan.tables and plan.tables[n].per_entity)]
    if per_block == []:
        ranges = []
    sample = TruthSample(plan) if wanted is None else None
    done = 0
    for (start, stop), block in zip(ranges, runner_for(workers, len(ranges)).map(plan, ranges, per_block)):
        batch, clean = split_clean(block)  # the holdout and the features read clean values
        for name, rows in batch.items():
            put(name, rows)
        write_views(plan, sink, clean if wanted is None else {n: r for n, r in clean.items() if n in wanted}, views)
        if sample is not None:
            sample.add(batch)
        done += stop - start
        if progress:
            progress(done, plan.entity_count)
    table_counts = {name: counts.get(name, 0) for name in plan.tables if made is None or name in made}
    for truth in run_tables():
        if wanted is None or truth.name in wanted:
            sink.write(truth.name, truth.run_table(plan, table_counts))
    return RunOutput(table_counts, None if sample is None else manifest_dict(plan, table_counts, sample))
