"""Truth about noise and injected faults: the resolved noise settings. The manifest also says
which fault records this version keeps (outlier cells, quality issues)."""

from __future__ import annotations

import pyarrow as pa

from .registry import declare


def _noise(plan, row_counts) -> dict:
    noise = plan.config.noise
    return {
        "family": [noise.family],
        "gaussian_sigma": [noise.gaussian_sigma],
        "outlier_rate": [noise.outlier_rate],
        "mcar_rate": [noise.mcar_rate],
        "degrees_of_freedom": [noise.degrees_of_freedom],
        "scale_with_trajectory": [noise.scale_with_trajectory],
    }


def _noise_records(rows: pa.Table, plan) -> dict:
    (noise,) = rows.to_pylist()
    settings = {k: noise[k] for k in ("gaussian_sigma", "outlier_rate", "mcar_rate", "family", "degrees_of_freedom", "scale_with_trajectory")}
    reference = {k: noise[k] for k in ("gaussian_sigma", "outlier_rate", "mcar_rate", "degrees_of_freedom")}
    overrides = {m.name: m.noise.model_dump(mode="json") for m in plan.config.metrics if m.noise is not None}
    plain = noise["family"] == "gaussian" and not noise["scale_with_trajectory"] and not overrides
    return {
        "noise": settings,
        # The reference generator's block: only for noise other than gaussian, heteroscedastic or set per metric.
        "noise_config": None
        if plain
        else {
            **reference,
            "noise_family": noise["family"],
            "scale_with_trajectory": noise["scale_with_trajectory"],
            "per_metric_overrides": overrides or None,
        },
    }


declare(
    "truth_noise",
    "Ground truth: the noise applied to metric cells (family, scale, outlier and missing-value rates).",
    [
        ("family", pa.string(), "Noise distribution: gaussian, student_t or laplace."),
        ("gaussian_sigma", pa.float64(), "Sd of the multiplicative noise, as a fraction of the value."),
        ("outlier_rate", pa.float64(), "Share of metric cells turned into outliers."),
        ("mcar_rate", pa.float64(), "Share of metric cells left missing (NULL)."),
        ("degrees_of_freedom", pa.float64(), "Degrees of freedom of student_t noise (recorded for every family)."),
        (
            "scale_with_trajectory",
            pa.bool_(),
            "Heteroscedastic: the sd is gaussian_sigma x trajectory position x range span, not x |value|. "
            "Metrics with their own noise: truth_metrics.",
        ),
    ],
    per_run=_noise,
    manifest=_noise_records,
)
