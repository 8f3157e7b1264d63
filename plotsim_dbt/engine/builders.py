"""The table-kind seam: each table plan class has one builder, registered with ``@builds``,
that makes the table's rows for a block. Column values come from the column plans; a builder
supplies only what its table owns (row keys, SCD2 validity, the version in force)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pyarrow as pa

from .ids import block_ids

if TYPE_CHECKING:
    from ..plan.tables import TablePlan
    from .context import Block, Rows

Builder = Callable[["Block", "TablePlan"], pa.RecordBatch]
BUILDERS: dict[type, Builder] = {}


def builds(kind: type) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        BUILDERS[kind] = builder
        return builder

    return register


def assemble(block: Block, table: TablePlan, rows: Rows, own: dict[str, pa.Array] | None = None) -> pa.RecordBatch:
    """The table's batch: each column from ``own`` or from its column plan, cast to the table's
    schema before any quality fault."""
    own = own or {}
    arrays = [own[c.name] if c.name in own else c.values(block, rows) for c in table.columns]
    return pa.RecordBatch.from_arrays(arrays, schema=table.clean_schema)


def version_in_force(block: Block, rows: Rows) -> pa.Array:
    """dim_row_id of the SCD2 version in force at each row's period."""
    versions = block.versions
    version_ids = block_ids(block.start + versions.entity)
    return pa.array(version_ids[versions.version_of[rows.local, rows.period]], pa.int64())
