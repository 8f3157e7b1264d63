"""Fixed words of the config language: connection words, noise presets, metric types."""

from __future__ import annotations

CONNECTION_WORDS: dict[str, float] = {
    "mirrors": 0.75,
    "driven_by": 0.55,
    "related": 0.40,
    "hints_at": 0.20,
    "independent": 0.0,
    "hints_against": -0.20,
    "resists": -0.40,
    "opposes": -0.55,
    "inverts": -0.75,
}

# (gaussian_sigma, outlier_rate, mcar_rate)
NOISE_PRESETS: dict[str, tuple[float, float, float]] = {
    "perfectly_clean": (0.0, 0.0, 0.0),
    "slightly_messy": (0.03, 0.01, 0.005),
    "realistic": (0.05, 0.02, 0.01),
    "dirty": (0.10, 0.05, 0.03),
}
NOISE_ALIASES: dict[str, str] = {"clean": "perfectly_clean", "messy": "realistic", "very_messy": "dirty"}

METRIC_TYPES = ("score", "amount", "count", "index")

# Distribution families and the parameters each accepts, with defaults.
# The centre c of a cell is where the trajectory puts it; every family is parameterised around it.
FAMILY_PARAMS: dict[str, dict[str, float]] = {
    "logitnormal": {"tau": 0.35},  # median c, bounded to the range
    "normal": {"sigma": 0.0},  # mean c; sigma 0 means "a tenth of the range"
    "lognormal": {"s": 0.25},  # median c
    "beta": {"concentration": 12.0},  # mean c, alpha + beta = concentration
    "gamma": {"shape": 4.0},  # mean c
    "poisson": {},  # mean c
    "weibull": {"shape": 1.5},  # median c
}
FAMILY_ALIASES: dict[str, str] = {"lognorm": "lognormal", "logit_normal": "logitnormal"}

DEFAULT_FAMILY: dict[str, str] = {
    "score": "logitnormal",
    # Bounded and smooth: no mass piles up at a range end, so the trajectory stays readable.
    "amount": "logitnormal",
    "count": "poisson",
    "index": "normal",
}
