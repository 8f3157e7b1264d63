"""GenerationState: the truth behind a generated dataset, for Python users."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from ..plan.resolve import Plan


class Trajectories(Mapping):
    """Entity name -> trajectory positions (one per period). Computed on access from the plan,
    so a million entities cost nothing until asked for."""

    def __init__(self, plan: Plan):
        self.plan = plan

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            entity = self.plan.entity_index(name)
        except KeyError:
            raise KeyError(name) from None
        return self.plan.positions[self.plan.entity_segment[entity]].copy()

    def __iter__(self) -> Iterator[str]:
        step = 65536
        for start in range(0, self.plan.entity_count, step):
            yield from self.plan.entity_names(start, min(start + step, self.plan.entity_count)).to_pylist()

    def __len__(self) -> int:
        return self.plan.entity_count


@dataclass(frozen=True)
class SCDState:
    """SCD2 versions per dimension (filled by the star-schema stage)."""

    dims: dict = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.dims


@dataclass(frozen=True)
class BridgeState:
    """Bridge links per bridge table (filled by the star-schema stage)."""

    associations: dict = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.associations


@dataclass(frozen=True)
class GenerationState:
    plan: Plan
    trajectories: Trajectories
    scd: SCDState
    bridges: BridgeState

    @classmethod
    def of(cls, plan: Plan) -> GenerationState:
        return cls(plan=plan, trajectories=Trajectories(plan), scd=SCDState(), bridges=BridgeState())
