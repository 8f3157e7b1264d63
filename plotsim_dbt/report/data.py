"""The rows a report reads: a warehouse's tables and truth tables, for every entity or, above
``max_entities``, for evenly spaced key blocks of them (each block has exactly a full run's rows),
plus one long-to-wide frame of every realised metric cell."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from ..api import as_pandas
from ..columns.metrics import MetricColumnPlan
from ..engine.block import build_block, global_tables
from ..engine.streams import KEY_BLOCK
from ..plan.resolve import Plan
from ..truth import run_tables

MAX_ENTITIES = 20_000  # enough for stable segment means; a 1M-entity config reports on 20 blocks


@dataclass(frozen=True)
class ReportData:
    plan: Plan
    tables: dict[str, pd.DataFrame]  # data tables, sampled entities only
    truth: dict[str, pd.DataFrame]  # truth tables, sampled entities only for per-entity truth
    cells: pd.DataFrame  # entity_id, period_index, segment, then one column per metric in a fact table
    sampled: int  # entities in the report

    @property
    def metrics(self) -> list[str]:
        return [m for m in self.truth["truth_metrics"]["metric"] if m in self.cells.columns]

    @property
    def segments(self) -> list[str]:
        return [s.name for s in self.plan.config.segments]


def entity_ranges(entity_count: int, max_entities: int) -> list[tuple[int, int]]:
    """[start, stop) of the key blocks reported on: all of them, or evenly spaced ones."""
    blocks = math.ceil(entity_count / KEY_BLOCK)
    wanted = min(blocks, max(1, math.ceil(max_entities / KEY_BLOCK)))
    chosen = np.unique(np.linspace(0, blocks - 1, wanted).round().astype(int))
    return [(int(b) * KEY_BLOCK, min((int(b) + 1) * KEY_BLOCK, entity_count)) for b in chosen]


def load(plan: Plan, max_entities: int = MAX_ENTITIES) -> ReportData:
    ranges = entity_ranges(plan.entity_count, max_entities)
    parts: dict[str, list[pa.Table]] = {name: [table] for name, table in global_tables(plan).items()}
    for start, stop in ranges:
        for name, batch in build_block(plan, start, stop).items():
            parts.setdefault(name, []).append(pa.Table.from_batches([batch]))
    arrow = {name: pa.concat_tables(pieces) for name, pieces in parts.items()}
    counts = {name: arrow[name].num_rows for name in plan.tables}
    truth = {t.name: t.run_table(plan, counts) for t in run_tables()}
    truth |= {name: table for name, table in arrow.items() if name not in plan.tables}
    tables = {name: as_pandas(arrow[name]) for name in plan.tables}
    frames = {name: table.to_pandas() for name, table in truth.items()}
    return ReportData(plan, tables, frames, realised_cells(plan, tables), sum(stop - start for start, stop in ranges))


def realised_cells(plan: Plan, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per entity and period present in the facts, with every metric a fact carries."""
    periods = tables["dim_date"].set_index("date_key")["period_index"]
    cells = None
    for fact in plan.fact_tables:
        metrics = [c.name for c in fact.columns if isinstance(c, MetricColumnPlan) and c.lag == 0 and c.name == c.metric]
        new = [m for m in metrics if cells is None or m not in cells.columns]
        if not new:
            continue
        rows = tables[fact.name]
        frame = pd.DataFrame(
            {"entity_id": rows[fact.entity_column].to_numpy(np.int64), "period_index": periods.loc[rows[fact.date_column]].to_numpy(np.int64)}
        )
        frame[new] = rows[new].to_numpy(np.float64)
        cells = frame if cells is None else cells.merge(frame, on=["entity_id", "period_index"], how="outer")
    if cells is None:
        return pd.DataFrame(columns=["entity_id", "period_index", "segment"])
    names = np.array([s.name for s in plan.config.segments])
    cells.insert(2, "segment", names[plan.entity_segment[cells["entity_id"].to_numpy() - 1]])
    return cells.sort_values(["entity_id", "period_index"], ignore_index=True)
