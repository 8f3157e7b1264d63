"""Dimension tables: dim_date, reference lookups and period dimensions once per run; entity
dimensions (one row per entity, or per SCD2 version) and sub-entity dimensions block by block."""

from __future__ import annotations

import calendar
from dataclasses import replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..config.schema import ACTIVE_STATUS, END_COLUMNS, OPEN_END_DATE
from ..plan.tables import VERSION_KEY, DateTable, EntityTable, PeriodTable, ReferenceTable, SubEntityTable
from .builders import assemble, builds
from .context import Block, Rows
from .endings import enders
from .ids import block_ids
from .streams import Purpose, name_key, stream


@builds(DateTable)
def dim_date(block: Block, table: DateTable) -> pa.RecordBatch:
    axis = block.plan.axis
    years, months, _ = axis.ymd
    arrays = [
        pa.array(axis.date_keys, pa.int32()),
        pa.array(axis.dates, pa.date32()),
        pa.array(years, pa.int16()),
        pa.array((months - 1) // 3 + 1, pa.int8()),
        pa.array(months, pa.int8()),
        pa.array([calendar.month_name[m] for m in months], pa.string()),
        pa.array(axis.iso_weeks, pa.int8()),
        pa.array(axis.labels, pa.string()),
        pa.array(np.arange(axis.count), pa.int32()),
    ]
    standard = pa.RecordBatch.from_arrays(arrays, names=[c.name for c in table.columns[: len(arrays)]])
    arrays += [c.from_calendar(standard) for c in table.columns[len(arrays) :]]  # the config's date_columns
    return pa.RecordBatch.from_arrays(arrays, schema=table.schema)


class ReferenceDraws(Block):
    """A reference or period table is made once per run: its random columns draw from the REFERENCE
    stream, keyed by table and column, not by entity block."""

    def uniforms(self, rows: Rows, sub_key: tuple[str, ...], width: int = 1) -> np.ndarray:
        return stream(self.plan.seed, Purpose.REFERENCE, 0, name_key(*sub_key)).random((len(rows), width))

    def position(self, rows: Rows) -> np.ndarray:
        """A reference row belongs to no entity: the middle of the range (a nested bool is a coin flip)."""
        return np.full(len(rows), 0.5)


@builds(ReferenceTable)
def reference_dimension(block: Block, table: ReferenceTable) -> pa.RecordBatch:
    n = table.rows
    rows = Rows(table.name, "reference", 0, np.zeros(n, dtype=np.int64), None, np.array([n]), ids=np.arange(1, n + 1))
    return assemble(ReferenceDraws(block.plan, 0, 0), table, rows)


@builds(PeriodTable)
def period_dimension(block: Block, table: PeriodTable) -> pa.RecordBatch:
    n = block.plan.periods
    rows = Rows(table.name, "period", 0, np.zeros(n, dtype=np.int64), np.arange(n), np.array([n]), ids=np.arange(1, n + 1))
    return assemble(ReferenceDraws(block.plan, 0, 0), table, rows)


def end_columns(block: Block) -> tuple[pa.Array, pa.Array]:
    """[entities] final status and end date (NULL while not ended) of the block's entities."""
    found = block.endings
    labels = pa.array([ACTIVE_STATUS] + [e.status for e in enders(block.plan)], pa.string())
    status = labels.take(pa.array(found.event + 1))
    dates = pa.array(block.plan.axis.dates, pa.date32())
    ended_on = dates.take(pa.array(found.last, mask=~found.ended))
    return status, ended_on


def version_status(block: Block, final_status: pa.Array) -> pa.Array:
    """[versions] status of each SCD2 version: active before the end, the entity's ``final_status``
    (from ``end_columns``) on its end version."""
    found = block.versions
    return pc.if_else(pa.array(found.ended), final_status.take(pa.array(found.entity)), ACTIVE_STATUS)


@builds(EntityTable)
def entity_dimension(block: Block, table: EntityTable) -> pa.RecordBatch:
    rows = Rows.of(table.name, "entity", block.start, np.ones(len(block), dtype=np.int64))
    rows = replace(rows, ids=rows.entity + 1, born=block.paths.first)
    ends = dict(zip(END_COLUMNS, end_columns(block))) if table.ends else {}
    if table.scd is None:
        return assemble(block, table, rows, ends)
    # One row per version: the entity's own columns repeat on each of its versions.
    found = block.versions
    versions = Rows.of(table.name, "entity", block.start, found.per_entity, version=np.arange(len(found.start)))
    versions = replace(versions, ids=versions.entity + 1)
    of_entity = pa.array(found.entity)
    dates = pa.array(block.plan.axis.dates, pa.date32())
    current = found.end < 0
    valid_to = dates.take(pa.array(np.where(current, 0, found.end), mask=current))
    if table.open_end != "null":
        valid_to = valid_to.fill_null(pa.scalar(OPEN_END_DATE, pa.date32()))
    own = {
        VERSION_KEY: pa.array(block_ids(versions.entity), pa.int64()),
        "valid_from": dates.take(pa.array(found.start)),
        "valid_to": valid_to,
        "is_current": pa.array(current),
    }
    if table.ends:
        own["status"] = version_status(block, ends["status"])
        own["ended_on"] = ends["ended_on"].take(of_entity)
    # Columns of the entity repeat on each of its versions; the tracked attributes are made per version by assemble.
    per_version = own.keys() | {t.name for t in table.tracked}
    own |= {c.name: c.values(block, rows).take(of_entity) for c in table.columns if c.name not in per_version}
    return assemble(block, table, versions, own)


@builds(SubEntityTable)
def sub_entity_dimension(block: Block, table: SubEntityTable) -> pa.RecordBatch:
    rows = Rows.of(table.name, "sub_entity", block.start, np.full(len(block), table.count, dtype=np.int64))
    within = np.arange(len(rows)) % table.count
    rows = replace(rows, ids=rows.entity * table.count + within + 1, born=block.sub_starts(table).reshape(-1))
    return assemble(block, table, rows)
