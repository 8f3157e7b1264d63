"""A block of entities and the rows of one table inside it.

``Block`` holds what every table of the block is made from, each computed on first use and kept:
metric cells, SCD2 versions, calendar mixtures, bridge links. A table generated alone therefore
computes exactly the state it needs, and tables generated together share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from .bridges import links
from .calendar import Placement, mixtures
from .cells import metric_cells
from .scd import Versions, versions
from .streams import Purpose, draw_rows, name_key

if TYPE_CHECKING:
    from ..plan.resolve import Plan


@dataclass(frozen=True)
class Rows:
    """The rows of one table for a block's entities, grouped by entity in order."""

    table: str
    role: str  # the table's role: entity, reference, sub_entity, fact, event
    start: int  # first entity of the block
    entity: np.ndarray  # global entity index of each row, ascending
    period: np.ndarray | None  # period index of each row (facts and events)
    per_entity: np.ndarray  # rows of each entity of the block
    ids: np.ndarray | None = None  # the table's row keys, when it has an id column
    version: np.ndarray | None = None  # SCD2 dimension rows: index of the row's version in Block.versions
    placed: bool = False  # event timestamps follow the weekly calendar

    def __len__(self) -> int:
        return len(self.entity)

    @classmethod
    def of(cls, table: str, role: str, start: int, per_entity: np.ndarray, period: np.ndarray | None = None, **extra) -> Rows:
        entity = np.repeat(np.arange(start, start + len(per_entity), dtype=np.int64), per_entity)
        return cls(table, role, start, entity, period, per_entity, **extra)

    @property
    def local(self) -> np.ndarray:
        return self.entity - self.start

    def one_per_entity(self) -> Rows:
        return Rows.of(self.table, self.role, self.start, np.ones(len(self.per_entity), dtype=np.int64))


class Block:
    """Entities [start, stop) of a run (start on a key-block boundary)."""

    def __init__(self, plan: Plan, start: int, stop: int):
        self.plan = plan
        self.start = start
        self.stop = stop
        self._links: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def __len__(self) -> int:
        return self.stop - self.start

    @cached_property
    def values(self) -> np.ndarray:
        """Metric cells [entities, periods, metrics]."""
        return metric_cells(self.plan, self.start, self.stop)

    @cached_property
    def versions(self) -> Versions | None:
        """SCD2 versions of the entity dimension, when it tracks a tier."""
        scd = self.plan.entity_table.scd
        return None if scd is None else versions(scd, self.values)

    @cached_property
    def mixtures(self) -> np.ndarray | None:
        """Weekly-calendar mixture weights [entities, components], when the config has a calendar."""
        return None if self.plan.calendar is None else mixtures(self.plan, self.start, self.stop)

    @cached_property
    def placement(self) -> Placement | None:
        return None if self.mixtures is None else Placement(self.plan, self.mixtures)

    def links(self, bridge: str) -> tuple[np.ndarray, np.ndarray]:
        """(local entity index, right-dimension id) of every link of a bridge."""
        if bridge not in self._links:
            self._links[bridge] = links(self, self.plan.tables[bridge])
        return self._links[bridge]

    def uniforms(self, rows: Rows, sub_key: tuple[str, ...], width: int = 1) -> np.ndarray:
        """Uniforms (rows, width) keyed by a table/column name, per key block."""
        return draw_rows(self.plan.seed, Purpose.COLUMNS, rows.start, rows.per_entity, width, name_key(*sub_key))

    def position(self, rows: Rows) -> np.ndarray:
        """Trajectory position of each row: at its period, or the entity's window mean."""
        segment = self.plan.entity_segment[rows.entity]
        if rows.period is None:
            return self.plan.positions.mean(axis=1)[segment]
        return self.plan.positions[segment, rows.period]
