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
import pyarrow as pa

from ..quality.inject import Injected, inject
from .bridges import links
from .builders import BUILDERS
from .calendar import Placement, mixtures
from .cells import NoiseSteps, metric_cells
from .endings import Endings, enders, endings
from .scd import Versions, versions
from .streams import Purpose, draw_rows, name_key
from .trajectories import Paths, entity_centres, entity_effective, entity_paths

if TYPE_CHECKING:
    from ..plan.grains import GrainFactTable
    from ..plan.resolve import Plan
    from ..plan.tables import FactTable, SubEntityTable, TablePlan


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
    born: np.ndarray | None = None  # dimension rows: the period the row came into being
    parent_row: np.ndarray | None = None  # child fact rows: the index of the row's parent among the parent fact's block rows

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
        self._sub_starts: dict[str, np.ndarray] = {}
        self._rows: dict[str, Rows] = {}
        self._built: dict[str, pa.RecordBatch] = {}
        self._injected: dict[str, Injected] = {}

    def __len__(self) -> int:
        return self.stop - self.start

    @cached_property
    def paths(self) -> Paths:
        """Each entity's start period, own trajectory and treatment arm."""
        return entity_paths(self.plan, self.start, self.stop)

    @cached_property
    def _made_cells(self) -> tuple[np.ndarray, NoiseSteps | None]:
        return metric_cells(self.plan, self.start, self.stop, self.centres, self.effective)

    @property
    def _cells(self) -> np.ndarray:
        """Metric cells of every period from arrival, before any ending (``values`` masks them in place)."""
        return self._made_cells[0]

    @property
    def noise_steps(self) -> NoiseSteps | None:
        """What the noise-fault truth reads, made with the cells (None: no metric has outliers or missing cells)."""
        return self._made_cells[1]

    @cached_property
    def endings(self) -> Endings | None:
        """When terminal events end the block's entities (None: the config has no terminal event)."""
        found = enders(self.plan)
        return endings(found, self._cells, self.paths.first) if found else None

    @cached_property
    def alive(self) -> np.ndarray:
        """[entities, periods] the entity exists: from its arrival to its end."""
        if self.endings is None:
            return self.paths.alive
        return self.paths.alive & (np.arange(self.plan.periods)[None, :] <= self.endings.last[:, None])

    @cached_property
    def _alive_cells(self) -> np.ndarray:
        """Metric cells, NaN where the entity does not exist, before any ``scaled_by`` factor."""
        values = self._cells
        if self.endings is not None:  # found first, from the unmasked cells; masking in place saves a copy
            values[~self.alive] = np.nan
        return values

    @cached_property
    def values(self) -> np.ndarray:
        """Metric cells [entities, periods, metrics] (NaN where the entity does not exist)."""
        values = self._alive_cells
        # Scaled in place: the versions the factors read are made first, and from metrics that are
        # never scaled (config/scaling.py refuses scaling a metric an attribute or an ending reads).
        for scale in self.plan.scales:
            scale.apply(self, values)
        return values

    @cached_property
    def positions(self) -> np.ndarray:
        """[entities, periods] trajectory position (NaN where the entity does not exist)."""
        if self.endings is None:
            return self.paths.positions
        return np.where(self.alive, self.paths.positions, np.nan)

    @cached_property
    def last(self) -> np.ndarray:
        """[entities] last period each entity exists."""
        return np.full(len(self), self.plan.periods - 1) if self.endings is None else self.endings.last

    @cached_property
    def effective(self) -> np.ndarray:
        """[entities, periods, metrics] effective positions: after lags and treatment lifts."""
        return entity_effective(self.plan, self.paths, self.start)

    @cached_property
    def centres(self) -> np.ndarray:
        """[entities, periods, metrics] centre of every cell's distribution."""
        return entity_centres(self.plan, self.effective, self.start)

    @cached_property
    def versions(self) -> Versions | None:
        """SCD2 versions of the entity dimension, when it has tracked attributes (a tier, a lifecycle stage)."""
        tracked = self.plan.entity_table.tracked
        return versions(tracked, self._alive_cells, self.paths.first, self.endings) if tracked else None

    @cached_property
    def mixtures(self) -> np.ndarray | None:
        """Weekly-calendar mixture weights [entities, components], when the config has a calendar."""
        return None if self.plan.calendar is None else mixtures(self.plan, self.start, self.stop)

    @cached_property
    def placement(self) -> Placement | None:
        return None if self.mixtures is None else Placement(self.plan, self.mixtures)

    def sub_starts(self, table: SubEntityTable) -> np.ndarray:
        """[entities, count] first period of each sub-entity, ascending: the first one arrives with
        its entity, the others at uniform periods of the entity's life, arrival to end (so a
        sub-entity's ids that exist at a period are a prefix of the entity's)."""
        if table.name not in self._sub_starts:
            first = self.paths.first
            rows = Rows.of(table.name, "sub_entity", self.start, np.full(len(self), table.count))
            u = self.uniforms(rows, (table.name, "sub-entity start"))[:, 0].reshape(len(self), table.count)
            life = (self.last + 1 - first)[:, None]
            starts = first[:, None] + np.minimum((u * life).astype(np.int64), life - 1)
            starts[:, 0] = first
            self._sub_starts[table.name] = np.sort(starts, axis=1)
        return self._sub_starts[table.name]

    def links(self, bridge: str) -> tuple[np.ndarray, np.ndarray]:
        """(local entity index, right-dimension id) of every link of a bridge."""
        if bridge not in self._links:
            self._links[bridge] = links(self, self.plan.tables[bridge])
        return self._links[bridge]

    def rows_of(self, table: GrainFactTable | FactTable) -> Rows:
        """The rows of a fact, made once for the fact and the children and siblings that read them."""
        if table.name not in self._rows:
            from .grains import grain_rows  # the grains module builds on Rows

            self._rows[table.name] = grain_rows(self, table)
        return self._rows[table.name]

    def built(self, table: TablePlan) -> pa.RecordBatch:
        """The table's rows as generated, before any quality fault (made once)."""
        if table.name not in self._built:
            self._built[table.name] = BUILDERS[type(table)](self, table)
        return self._built[table.name]

    def injected(self, table: TablePlan) -> Injected:
        """The table's rows with its quality faults, and the faults' truth records (made once)."""
        if table.name not in self._injected:
            self._injected[table.name] = inject(self.plan.seed, self.start, self.stop, table, self.built(table), self.plan.axis.date_keys)
        return self._injected[table.name]

    def table(self, table: TablePlan) -> pa.RecordBatch:
        """The table's rows as written."""
        return self.injected(table).batch if table.faults else self.built(table)

    def uniforms(self, rows: Rows, sub_key: tuple[str, ...], width: int = 1) -> np.ndarray:
        """Uniforms (rows, width) keyed by a table/column name, per key block."""
        return draw_rows(self.plan.seed, Purpose.COLUMNS, rows.start, rows.per_entity, width, name_key(*sub_key))

    def position(self, rows: Rows) -> np.ndarray:
        """Trajectory position of each row: at its period, or the entity's mean over its life."""
        positions = self.positions
        if rows.period is None:
            return np.nanmean(positions, axis=1)[rows.local]
        return positions[rows.local, rows.period]
