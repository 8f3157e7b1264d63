"""The one table of reference features that load parses and validates but does not build: those
an open issue builds, and those we do not build by design (with what to write instead).

Each pending entry names the open issue that builds it; when that issue lands, its lines go and
the translators map the feature instead (a removed key makes the translator's ``refuse(..., key)``
call fail at once, pointing at the code to replace). A refusal is one line naming the field as
the user wrote it::

    sources: multi-source output (sources) is not built yet (issue 15, "Breadth of the
    warehouse"); remove it to generate without multi-source output (sources)
    entities.0.cross_dim_fks: a pinned foreign key (cross_dim_fks) is not supported; foreign keys
    follow the entity's trajectory; remove cross_dim_fks

Translation collects every refused feature of a config, then raises once: the first refusal,
plus how many more there are and where (so a template can be trimmed in one pass).
"""

from __future__ import annotations

from ..errors import ConfigError

ISSUES = {
    15: "Breadth of the warehouse",
}

# key -> (issue, what the user asked for, the fix; default "remove it to generate without <what>").
# Issue None: a reference feature we do not build, by design; the fix says what to write instead.
PENDING: dict[str, tuple[int | None, str, str | None]] = {
    "treatment": (
        None,
        "per-entity treatment ({detail})",
        "treatment arms are drawn per segment: write segments.N.treatment {fraction, lift_log_odds, start_period, target_metric} "
        "in builder YAML, or remove the treatment fields",
    ),
    "entity_overrides": (
        None,
        "a per-entity inflection_month",
        "every entity of an archetype follows its curve (with the config's variation): give the entity an archetype of its own, or remove overrides",
    ),
    "cross_dim_fks": (None, "a pinned foreign key (cross_dim_fks)", "foreign keys follow the entity's trajectory; remove cross_dim_fks"),
    "entity_variation": (None, "per-entity variation inside an archetype ({detail})", "give every entity of the archetype the same value"),
    "entity_sizes": (None, "per-entity sizes (a variable dimension multiplies by size: {detail})", "give every entity the same size"),
    "faker": (15, "the Faker method {detail}", "use name, first_name, last_name, email, company, city or country, or remove the column"),
    "weighted_fk": (15, "a weighted foreign key", None),
    "trajectory_pool": (15, "a trajectory-picked pool", None),
    "index_columns": (15, "an index column ({detail})", None),
    "fact_key_column": (15, "a surrogate key column on a per-period fact", None),
}


def refusal(path: str, key: str, detail: str = "") -> ConfigError:
    issue, what, fix = PENDING[key]
    what = what.format(detail=detail)
    if issue is None:
        return ConfigError(path, f"{what} is not supported; {fix}")
    fix = fix or f"remove it to generate without {what}"
    return ConfigError(path, f'{what} is not built yet (issue {issue}, "{ISSUES[issue]}"); {fix}')


class Pending:
    """Collects the pending features found while translating one config."""

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
        raise ConfigError(first.field, f"{first.message} (and {len(others)} more pending feature(s): {where})")
