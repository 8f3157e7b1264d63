"""The reference's soft warnings, raised once a config has loaded (it still builds): a seasonal
archetype over fewer than 24 periods, a single segment, and mirrors/inverts among 8 or more
metrics. Builder YAML and our own spelling get them; engine YAML does not, as in the reference."""

from __future__ import annotations

import re
import warnings

from ..models import Config

STRONG_WORDS = ("mirrors", "inverts")


def warn_soft(config: Config, stacklevel: int) -> None:
    periods = config.window.periods
    if periods < 24 and any(re.search(r"\bseasonal\b", s.archetype) for s in config.segments):
        warnings.warn(
            f"a seasonal archetype over {periods} periods shows fewer than two clean cycles; 24 or more periods make the season recoverable",
            UserWarning,
            stacklevel=stacklevel,
        )
    if len(config.segments) == 1:
        warnings.warn(
            "only one segment: entities vary around a single archetype, so there is no segment for a model to recover",
            UserWarning,
            stacklevel=stacklevel,
        )
    if len(config.metrics) >= 8 and any(c.word in STRONG_WORDS for c in config.connections):
        warnings.warn(
            f"mirrors/inverts (|0.75|) among {len(config.metrics)} metrics may not fit together; "
            "the planner will move some connections (see the manifest's correlations)",
            UserWarning,
            stacklevel=stacklevel,
        )
