"""The reference generator's features we do not build, by design, each with what to write instead.

A refusal is one line naming the field as the user wrote it::

    entities.0.cross_dim_fks: a pinned foreign key (cross_dim_fks) is not supported; foreign keys
    follow the entity's trajectory; remove cross_dim_fks

Translation collects every refused feature of a config, then raises once: the first refusal,
plus how many more there are and where (so a config can be trimmed in one pass).
"""

from __future__ import annotations

from ..errors import ConfigError

# key -> (what the user asked for, what to write instead).
UNSUPPORTED: dict[str, tuple[str, str]] = {
    "treatment": (
        "per-entity treatment ({detail})",
        "treatment arms are drawn per segment: write segments.N.treatment {fraction, lift_log_odds, start_period, target_metric} "
        "in builder YAML, or remove the treatment fields",
    ),
    "entity_overrides": (
        "a per-entity inflection_month",
        "every entity of an archetype follows its curve (with the config's variation): give the entity an archetype of its own, or remove overrides",
    ),
    "cross_dim_fks": ("a pinned foreign key (cross_dim_fks)", "foreign keys follow the entity's trajectory; remove cross_dim_fks"),
    "entity_variation": ("per-entity variation inside an archetype ({detail})", "give every entity of the archetype the same value"),
    "entity_sizes": ("per-entity sizes (a variable dimension multiplies by size: {detail})", "give every entity the same size"),
}


def refusal(path: str, key: str, detail: str = "") -> ConfigError:
    what, fix = UNSUPPORTED[key]
    return ConfigError(path, f"{what.format(detail=detail)} is not supported; {fix}")


class Unsupported:
    """Collects the unsupported features found while translating one config."""

    def __init__(self) -> None:
        self.found: list[ConfigError] = []

    def refuse(self, path: str, key: str, detail: str = "") -> None:
        self.found.append(refusal(path, key, detail))

    def raise_if_any(self) -> None:
        if not self.found:
            return
        first, others = self.found[0], self.found[1:]
        if not others:
            raise first
        where = ", ".join(e.field for e in others[:4]) + (", ..." if len(others) > 4 else "")
        raise ConfigError(first.field, f"{first.message} (and {len(others)} more unsupported feature(s): {where})")
