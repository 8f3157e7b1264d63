"""The ML views of a run: ``holdout`` (trailing periods of the facts held out from training) and
``entity_features`` (one row of aggregated metrics per entity), and their checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field, model_validator

from .base import Frozen

if TYPE_CHECKING:
    from .models import Config


class Holdout(Frozen):
    target: str = Field(description="Metric a model will predict; its features are dropped from entity features.")
    periods: int = Field(ge=1, description="Trailing periods held out.")
    min_training_periods: int = Field(3, ge=1)


class EntityFeatures(Frozen):
    metrics: list[str] = Field(default_factory=list, description="Metrics to aggregate; empty means all.")
    include_labels: bool = True

    @model_validator(mode="before")
    @classmethod
    def _flag(cls, data: Any) -> Any:
        return {} if data is True else data


def check_holdout(config: Config) -> None:
    holdout = config.holdout
    if holdout is None:
        return
    if holdout.target not in [m.name for m in config.metrics]:
        raise ValueError(f"holdout.target: {holdout.target!r} is not a declared metric")
    periods = config.window.periods
    if periods - holdout.periods < holdout.min_training_periods:
        raise ValueError(
            f"holdout.periods: holding out {holdout.periods} of {periods} periods leaves fewer than {holdout.min_training_periods} training periods"
        )


def check_entity_features(config: Config) -> None:
    if config.entity_features is None:
        return
    if not any(f.grain == "entity_period" for f in config.schema.facts):
        # the features aggregate the metric columns of the facts with one row per entity and period
        raise ValueError("entity_features: needs a fact table with one row per entity and period; add one or remove entity_features")
    names = [m.name for m in config.metrics]
    for metric in config.entity_features.metrics:
        if metric not in names:
            raise ValueError(f"entity_features.metrics: {metric!r} is not a declared metric")
