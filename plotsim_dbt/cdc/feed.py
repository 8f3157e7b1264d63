"""The changes of one block: when each source row was inserted, revised and deleted, and how the
feed delivered each change (late, duplicated, out of order).

Change times are whole seconds inside the change's period. A fact row (of any grain) is inserted
in its period and, at ``update_rate``, first with a preliminary value that an update in the next
period corrects (a fact without metric columns, such as a child fact of shares only, has no
preliminary values); the entity dimension's row is inserted at arrival and updated at each SCD2
version (a tier or stage change, the ending); an ended entity is deleted in the period after its
end, and ``delete_rate`` deletes others after their last change. The changes of one entity get
strictly increasing seconds, so ``_seq = seconds from the window start x 2**32 + entity index``
is unique and ascending in change time without any counter outside the block."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..config.schema import ACTIVE_STATUS
from ..engine.builders import BUILDERS
from ..engine.streams import Purpose, draw_rows, name_key
from ..plan.grains import GrainFactTable
from ..plan.tables import FactTable
from .plan import OPS, ChangeTable

INSERT, UPDATE, DELETE = range(3)
SEQ_STRIDE = 2**32
FACTS = (FactTable, GrainFactTable)
_DRAWS = 6 + 3 * 6  # per source row: its own draws, then delivery draws for each of its up to three changes


@dataclass(frozen=True)
class Changes:
    """The true changes of a block, grouped by entity in change order."""

    entity: np.ndarray  # local entity index
    period: np.ndarray  # period the change happened in
    row_period: np.ndarray  # facts: the changed row's period (a per-entity-per-period fact's key); dimension: -1
    row_id: np.ndarray  # variable and child facts: the changed row's id (its key); else -1
    op: np.ndarray  # INSERT / UPDATE / DELETE
    at: np.ndarray  # change time, seconds since the epoch
    seq: np.ndarray
    commit: np.ndarray  # first delivery, seconds since the epoch
    late: np.ndarray  # bool
    out_of_order: np.ndarray  # bool
    copy_commit: np.ndarray  # the duplicate delivery's commit, -1 when delivered once
    values: pa.Table  # the row image each change carries


def period_bounds(plan) -> tuple[np.ndarray, np.ndarray]:
    """(first second, length in seconds) of every period."""
    starts = plan.axis.dates.astype("datetime64[s]").astype(np.int64)
    return starts, plan.axis.period_days.astype(np.int64) * 86_400


def batch_of(plan, table: ChangeTable, commit: np.ndarray) -> np.ndarray:
    starts, _ = period_bounds(plan)
    return (np.searchsorted(starts, commit, side="right") - 1) // table.options.batch_every + 1


def batches(plan, table: ChangeTable) -> int:
    return -(-plan.periods // table.options.batch_every)


def changes_of(block, table: ChangeTable) -> Changes:
    """The block's changes of ``table``, made once per block (the feed and its truth tables share them)."""
    made = block.__dict__.setdefault("_cdc_changes", {})  # kept on the block like its other per-block state
    if table.name not in made:
        made[table.name] = _changes(block, table)
    return made[table.name]


def _images(block, table: ChangeTable, source) -> tuple[pa.Table, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(row images, local entity, period, row period, row id) of the source rows a change can carry."""
    rows = pa.Table.from_batches([BUILDERS[type(source)](block, source)]).select(list(table.values))
    if isinstance(source, GrainFactTable):
        found = block.rows_of(source)
        return rows, found.local, found.period, found.period, found.ids
    if isinstance(source, FactTable):
        entity, period = np.nonzero(block.alive)
        return rows, entity, period, period, np.full(len(entity), -1)
    if source.scd is not None:
        found = block.versions
        entity, period = found.entity, found.start
    else:  # one row per entity: the arrival image, and the ending image for ended entities
        ended = np.zeros(len(block), bool) if block.endings is None else block.endings.ended & (block.last > block.paths.first)
        entity = np.sort(np.concatenate([np.arange(len(block)), np.flatnonzero(ended)]))
        first = np.r_[True, entity[1:] != entity[:-1]]
        period = np.where(first, block.paths.first[entity], block.last[entity])
        rows = rows.take(pa.array(entity))
        if source.ends:
            rows = rows.set_column(rows.schema.get_field_index("status"), "status", pc.if_else(pa.array(first), ACTIVE_STATUS, rows.column("status")))
    if source.ends:  # the source knows the end date only once it has happened
        active = pc.equal(rows.column("status"), ACTIVE_STATUS)
        ended_on = pc.if_else(active, pa.scalar(None, pa.date32()), rows.column("ended_on"))
        rows = rows.set_column(rows.schema.get_field_index("ended_on"), "ended_on", ended_on)
    return rows, entity, period, np.full(len(entity), -1), np.full(len(entity), -1)


def _preliminary(rows: pa.Table, source: FactTable | GrainFactTable, factor: np.ndarray) -> pa.Table:
    """The fact rows with every metric scaled by ``factor``, rounded to the column's type."""
    for name in source.metric_columns:
        column = rows.column(name)
        kind = column.type
        scaled = pc.multiply(column.cast(pa.float64()), pa.array(factor))
        if pa.types.is_integer(kind):
            scaled = pc.round(scaled)
        elif pa.types.is_decimal(kind):
            scaled = pc.round(scaled, kind.scale)
        rows = rows.set_column(rows.schema.get_field_index(name), name, scaled.cast(kind))
    return rows


def _changes(block, table: ChangeTable) -> Changes:
    plan, options = block.plan, table.options
    source = plan.tables[table.source]
    rows, entity, period, row_period, row_id = _images(block, table, source)
    per_entity = np.bincount(entity, minlength=len(block))
    u = draw_rows(plan.seed, Purpose.COLUMNS, block.start, per_entity, _DRAWS, name_key(table.name, "cdc"))
    starts, lengths = period_bounds(plan)
    end = starts[-1] + lengths[-1]
    at = starts[period] + (u[:, 0] * lengths[period]).astype(np.int64)
    last_of_entity = np.r_[entity[1:] != entity[:-1], True] if len(entity) else np.zeros(0, bool)
    parts = [(np.arange(len(entity)), np.where(_first_of(entity) | isinstance(source, FACTS), INSERT, UPDATE), period, at, 0)]
    images = [rows]
    if isinstance(source, FACTS):
        revised = (u[:, 1] < options.update_rate) & bool(source.metric_columns)  # no metric column: nothing to revise
        images[0] = _preliminary(rows, source, 0.8 + 0.4 * u[:, 5]).filter(pa.array(revised)) if revised.any() else rows.slice(0, 0)
        images[0] = pa.concat_tables([images[0], rows.filter(pa.array(~revised))])
        order0 = np.r_[np.flatnonzero(revised), np.flatnonzero(~revised)]
        parts[0] = (order0, np.full(len(order0), INSERT), period[order0], at[order0], 0)
        r = np.flatnonzero(revised)
        nxt = period[r] + 1
        following = np.minimum(nxt, plan.periods - 1)
        fix_at = np.where(
            nxt < plan.periods,
            starts[following] + (u[r, 2] * lengths[following]).astype(np.int64),
            at[r] + 1 + (u[r, 2] * (end - at[r] - 1)).astype(np.int64),
        )
        parts.append((r, np.full(len(r), UPDATE), following, fix_at, 1))
        images.append(rows.take(pa.array(r)))
        last_at = at.copy()
        last_at[r] = fix_at
        gone = np.flatnonzero(u[:, 3] < options.delete_rate)
    else:
        last_at = at
        ended = np.zeros(len(block), bool) if block.endings is None else block.endings.ended & (block.last + 1 < plan.periods)
        ends_at = np.full(len(entity), -1)
        row_end = ended[entity] & last_of_entity
        p = block.last[entity[row_end]] + 1
        ends_at[row_end] = starts[p] + (u[row_end, 4] * lengths[p]).astype(np.int64)
        chosen = last_of_entity & ~row_end & (u[:, 3] < options.delete_rate)
        gone = np.flatnonzero(row_end | chosen)
    if isinstance(source, FACTS) or len(gone):
        late_end = ends_at[gone] if not isinstance(source, FACTS) else np.full(len(gone), -1)
        drawn = last_at[gone] + 1 + (u[gone, 4] * np.maximum(end - last_at[gone] - 1, 0)).astype(np.int64)
        gone_at = np.where(late_end >= 0, late_end, drawn)
        keep = gone_at < end
        gone, gone_at = gone[keep], gone_at[keep]
        parts.append((gone, np.full(len(gone), DELETE), np.searchsorted(starts, gone_at, side="right") - 1, gone_at, 2))
        images.append(rows.take(pa.array(gone)))
    return _deliver(block, table, parts, images, entity, (row_period, row_id), u, starts, lengths, end)


def _first_of(entity: np.ndarray) -> np.ndarray:
    return np.r_[True, entity[1:] != entity[:-1]] if len(entity) else np.zeros(0, bool)


def _deliver(block, table, parts, images, entity, row_keys, u, starts, lengths, end) -> Changes:
    options = table.options
    src = np.concatenate([p[0] for p in parts])
    op = np.concatenate([p[1] for p in parts])
    period = np.concatenate([p[2] for p in parts])
    at = np.concatenate([p[3] for p in parts])
    slot = np.concatenate([np.full(len(p[0]), p[4]) for p in parts])
    values = pa.concat_tables(images)
    ent = entity[src]
    order = np.lexsort((slot, at, ent))
    src, op, period, at, slot, ent = src[order], op[order], period[order], at[order], slot[order], ent[order]
    values = values.take(pa.array(order))
    # Strictly increasing seconds within an entity (a nudge of a second or two on a tie).
    first = _first_of(ent)
    group = np.cumsum(first) - 1
    k = np.arange(len(ent)) - np.flatnonzero(first)[group]
    at = _group_cummax(at - k, group) + k
    d = u[src[:, None], 6 + 6 * slot[:, None] + np.arange(6)[None, :]] if len(src) else np.zeros((0, 6))
    late = d[:, 0] < options.late_rate
    ooo = d[:, 4] < options.out_of_order_rate
    delay = np.where(late, (d[:, 1] * options.late_by * lengths[period]).astype(np.int64), 0)
    delay += np.where(ooo, 1 + (d[:, 5] * options.out_of_order_window * 3600).astype(np.int64), 0)
    commit = np.maximum(np.minimum(at + delay, end - 1), at)
    copies = d[:, 2] < options.duplicate_rate
    copy_commit = np.where(copies, np.maximum(np.minimum(commit + 1 + (d[:, 3] * lengths[period]).astype(np.int64), end - 1), commit), -1)
    seq = (at - starts[0]) * SEQ_STRIDE + block.start + ent
    row_period, row_id = (k[src] for k in row_keys)
    return Changes(ent, period, row_period, row_id, op, at, seq, commit, late, ooo, copy_commit, values)


def _group_cummax(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Running maximum of ``values`` restarting at each new ``group`` (groups are contiguous)."""
    if not len(values):
        return values
    base = values.min()
    offset = group.astype(np.int64) << 40  # a window spans far fewer than 2**40 seconds: groups never mix
    return np.maximum.accumulate(values - base + offset) - offset + base


def feed_batch(block, table: ChangeTable) -> pa.RecordBatch:
    """The delivered feed: every change, and a second row for each duplicate delivery."""
    found = changes_of(block, table)
    copies = np.flatnonzero(found.copy_commit >= 0)
    rows = np.r_[np.arange(len(found.op)), copies]
    commit = np.r_[found.commit, found.copy_commit[copies]]
    order = np.lexsort((found.seq[rows], commit, found.entity[rows]))
    rows, commit = rows[order], commit[order]
    micros = pa.timestamp("us")
    own = {
        "_op": pa.array(OPS, pa.string()).take(pa.array(found.op[rows])),
        "_seq": pa.array(found.seq[rows], pa.int64()),
        "_changed_at": pa.array(found.at[rows] * 1_000_000, pa.int64()).cast(micros),
        "_commit_ts": pa.array(commit * 1_000_000, pa.int64()).cast(micros),
        "_batch": pa.array(batch_of(block.plan, table, commit), pa.int32()),
    }
    values = found.values.take(pa.array(rows))
    arrays = [own[c.name] if c.name in own else values.column(c.name).combine_chunks() for c in table.columns]
    return pa.RecordBatch.from_arrays(arrays, schema=table.schema)
