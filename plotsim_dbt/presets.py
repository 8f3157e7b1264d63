"""The reference generator's noise presets as noise settings: ``create(..., noise=REALISTIC)`` or
``cfg.model_copy(update={"noise": DIRTY})``. The names in a config (``noise: realistic``) read the
same table (``plotsim_dbt.config.vocabulary.NOISE_PRESETS``)."""

from __future__ import annotations

from .config.noise import Noise
from .config.vocabulary import NOISE_PRESETS as _SETTINGS


def _preset(name: str) -> Noise:
    sigma, outliers, mcar = _SETTINGS[name]
    return Noise(gaussian_sigma=sigma, outlier_rate=outliers, mcar_rate=mcar)


PERFECTLY_CLEAN = _preset("perfectly_clean")
SLIGHTLY_MESSY = _preset("slightly_messy")
REALISTIC = _preset("realistic")
DIRTY = _preset("dirty")

# Keyed by the reference generator's display names.
NOISE_PRESETS: dict[str, Noise] = {
    "Perfectly clean": PERFECTLY_CLEAN,
    "Slightly messy": SLIGHTLY_MESSY,
    "Realistic": REALISTIC,
    "Dirty": DIRTY,
}
