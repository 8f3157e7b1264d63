"""GenerationState: the truth behind a generated dataset, for Python users."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from ..engine.trajectories import positions_of
from ..plan.resolve import Plan
from .registry import TRUTH


class Trajectories(Mapping):
    """Entity name -> its own trajectory positions (one per period, NaN before it arrives). Computed on access from the plan,
    so a million entities cost nothing until asked for. Carries the run's truth tables, so
    ``build_manifest(cfg, state.trajectories, tables)`` renders them without regenerating."""

    def __init__(self, plan: Plan, truth: Mapping[str, pa.Table] | None = None):
        self.plan = plan
        self.truth = dict(truth or {})

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            entity = self.plan.entity_index(name)
        except KeyError:
            raise KeyError(name) from None
        return positions_of(self.plan, np.array([entity]))[0]

    def __iter__(self) -> Iterator[str]:
        step = 65536
        for start in range(0, self.plan.entity_count, step):
            yield from self.plan.entity_names(start, min(start + step, self.plan.entity_count)).to_pylist()

    def __len__(self) -> int:
        return self.plan.entity_count


def _empty(name: str) -> pa.Table:
    return TRUTH[name].schema.empty_table()


@dataclass(frozen=True)
class SCDState:
    """Every SCD2 version (truth_scd_versions) and every tier change (truth_scd_events)."""

    versions: pa.Table = field(default_factory=lambda: _empty("truth_scd_versions"))
    events: pa.Table = field(default_factory=lambda: _empty("truth_scd_events"))


@dataclass(frozen=True)
class BridgeState:
    """Every bridge link (truth_bridge_links), by entity then bridge."""

    links: pa.Table = field(default_factory=lambda: _empty("truth_bridge_links"))


@dataclass(frozen=True)
class GenerationState:
    plan: Plan
    truth: dict[str, pa.Table]  # every truth table of the run, by name

    @property
    def trajectories(self) -> Trajectories:
        return Trajectories(self.plan, self.truth)

    @property
    def scd(self) -> SCDState:
        return SCDState(self.truth["truth_scd_versions"], self.truth["truth_scd_events"])

    @property
    def bridges(self) -> BridgeState:
        return BridgeState(self.truth["truth_bridge_links"])

    @property
    def calendar_mixtures(self) -> pa.Table:
        return self.truth["truth_calendar_mixtures"]
