"""The segment blocks the reference generator's Python configs import from ``plotsim.builder.input``,
under its names: they are our own models (the same fields), so an instance goes into a segment of
``create(segments=[{..., "arrival": LinearArrival(...), "treatment": TreatmentConfig(...)}])``
as the equivalent dict does."""

from __future__ import annotations

from ..config.entities import ExplicitArrival, LinearArrival, StepArrival, UniformArrival
from ..config.entities import StepBlock as StepArrivalBlock
from ..config.entities import Treatment as TreatmentConfig

__all__ = ["ExplicitArrival", "LinearArrival", "StepArrival", "StepArrivalBlock", "TreatmentConfig", "UniformArrival"]
