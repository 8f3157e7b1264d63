"""``noise``: the noise added to metric cells (the config's, or a metric's own), its outliers and
its missing cells; a preset name or a mapping."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from .base import Frozen
from .vocabulary import NOISE_ALIASES, NOISE_PRESETS


class Noise(Frozen):
    gaussian_sigma: float = Field(0.0, ge=0.0, le=5.0, description="Noise sd as a fraction of the value.")
    outlier_rate: float = Field(0.0, ge=0.0, le=1.0)
    mcar_rate: float = Field(0.0, ge=0.0, le=1.0, description="Share of metric cells left empty (NULL).")
    family: Literal["gaussian", "student_t", "laplace"] = "gaussian"
    degrees_of_freedom: float = Field(4.0, ge=1.0)
    scale_with_trajectory: bool = Field(
        False,
        description="Heteroscedastic noise: sd = gaussian_sigma x the entity's trajectory position x the metric's range span, "
        "so the spread grows with the position (instead of sd = gaussian_sigma x |value|).",
    )

    @model_validator(mode="before")
    @classmethod
    def _preset(cls, data: Any) -> Any:
        if isinstance(data, str):
            name = data.strip().lower().replace(" ", "_")
            name = NOISE_ALIASES.get(name, name)
            if name not in NOISE_PRESETS:
                raise ValueError(f"unknown noise preset {data!r}; use {', '.join(NOISE_PRESETS)} or a mapping")
            sigma, outliers, mcar = NOISE_PRESETS[name]
            return {"gaussian_sigma": sigma, "outlier_rate": outliers, "mcar_rate": mcar}
        return data
