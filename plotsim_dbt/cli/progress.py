"""The progress bar of long runs: fact rows generated, rows/s and ETA (tqdm), on stderr only when
it is a terminal."""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm

from ..plan.resolve import Plan
from ..plan.tables import FactTable


class ProgressBar:
    """A ``progress(done, total)`` callback (entities) drawn as a bar of fact rows: each entity
    adds one row per period to every fact table. Pass ``disable=None`` to draw only on a terminal."""

    def __init__(self, plan: Plan, stream: TextIO | None = None, disable: bool | None = None):
        self.rows_per_entity = plan.periods * max(len(plan.tables_of(FactTable)), 1)
        self.unit = "rows" if plan.tables_of(FactTable) else "entity-periods"
        self.stream = stream if stream is not None else sys.stderr
        self.disable = disable
        self.bar: tqdm | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = tqdm(
                total=total * self.rows_per_entity,
                unit=f" {self.unit}",
                unit_scale=True,
                file=self.stream,
                disable=self.disable,
                desc="generating",
                dynamic_ncols=True,
            )
        self.bar.update(done * self.rows_per_entity - self.bar.n)
        if done >= total:
            self.bar.close()
