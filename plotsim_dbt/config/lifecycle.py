"""``lifecycle``: stages an entity passes through as a tracked metric crosses thresholds (the
reference generator's block, same spelling). The stage is an SCD2 attribute of the entity
dimension (a new version when it changes) and a column of the first fact carrying the metric."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field, model_validator

from .base import Frozen, Identifier
from .schema import ACTIVE_STATUS

if TYPE_CHECKING:
    from .models import Config


class Stage(Frozen):
    name: str = Field(min_length=1)
    threshold: float = Field(ge=0.0, le=1.0, description="Position on the tracked metric's range from which the stage is entered.")
    exit: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Hysteresis: the stage is left downward only below this position (at most its threshold). Give it on every "
        "stage after the first or on none; without it a stage is left below its own threshold.",
    )


class Lifecycle(Frozen):
    track: str = Field(min_length=1, description="The metric whose realised value moves entities between stages.")
    stages: list[Stage] = Field(min_length=2, max_length=10, description="Stages, lowest threshold first.")
    enforce_order: bool = Field(False, description="Stages only move forward, unless downgrade_delay lets them step back.")
    downgrade_delay: int | None = Field(
        None,
        ge=1,
        le=120,
        description="Periods the value must stay below the stage before it steps back (default: at once, or never under enforce_order).",
    )
    ends_entity: bool = Field(False, description="Entering the last stage ends the entity (its status becomes that stage's name).")
    column: Identifier = Field("stage", description="Name of the stage column on the entity dimension and the fact.")

    @model_validator(mode="before")
    @classmethod
    def _stage_forms(cls, data: Any) -> Any:
        # The reference's three spellings of a stage: {name: threshold}, [name, threshold], {name, threshold}.
        if isinstance(data, dict) and isinstance(data.get("stages"), list):
            stages = []
            for stage in data["stages"]:
                if isinstance(stage, dict) and len(stage) == 1 and "name" not in stage:
                    ((name, threshold),) = stage.items()
                    stage = {"name": name, "threshold": threshold}
                elif isinstance(stage, (list, tuple)) and len(stage) == 2:
                    stage = {"name": stage[0], "threshold": stage[1]}
                stages.append(stage)
            data = {**data, "stages": stages}
        return data

    @model_validator(mode="after")
    def _stages(self) -> Lifecycle:
        names = [s.name for s in self.stages]
        if len({n.lower() for n in names}) != len(names):
            raise ValueError("stages: stage names must be unique")
        thresholds = [s.threshold for s in self.stages]
        if any(b <= a for a, b in zip(thresholds, thresholds[1:])):
            raise ValueError(f"stages: thresholds must rise strictly, got {thresholds}")
        exits = [s.exit is not None for s in self.stages[1:]]
        if any(exits) and not all(exits):
            raise ValueError("stages: give exit on every stage after the first (hysteresis) or on none")
        for i, stage in enumerate(self.stages):
            if stage.exit is not None and stage.exit > stage.threshold:
                raise ValueError(f"stages.{i}.exit: {stage.exit} is above the stage's threshold {stage.threshold}")
        return self

    @property
    def hysteresis(self) -> bool:
        return self.stages[-1].exit is not None


def check_lifecycle(config: Config) -> None:
    lifecycle = config.lifecycle
    if lifecycle is None:
        return
    if lifecycle.track not in [m.name for m in config.metrics]:
        raise ValueError(f"lifecycle.track: {lifecycle.track!r} is not a declared metric")
    if lifecycle.ends_entity and lifecycle.stages[-1].name == ACTIVE_STATUS:
        raise ValueError(
            f"lifecycle.stages: the final stage ends entities, so it is their status; {ACTIVE_STATUS!r} is the status of "
            "entities that have not ended: rename the stage"
        )
    taken = {c.name.lower() for c in config.schema.entity_dimension.columns}
    if lifecycle.column.lower() in taken:
        raise ValueError(
            f"lifecycle.column: {config.schema.entity_dimension.name} already has a column {lifecycle.column!r}; "
            "name the stage column otherwise (lifecycle.column)"
        )
