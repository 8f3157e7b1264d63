"""Registers the change-feed builder with the engine's table-kind seam."""

from __future__ import annotations

import pyarrow as pa

from ..engine.builders import builds
from .feed import feed_batch
from .plan import ChangeTable


@builds(ChangeTable)
def change_feed(block, table: ChangeTable) -> pa.RecordBatch:
    return feed_batch(block, table)
