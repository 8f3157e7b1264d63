"""The one table of reference features that load parses and validates but does not build yet.

Each entry names the open issue that builds it; when that issue lands, its lines go and the
translators map the feature instead (a removed key makes the translator's ``refuse(..., key)``
call fail at once, pointing at the code to replace). A refusal is one line naming the field as
the user wrote it::

    segments.0.arrival: arrival is not built yet (issue 12, "Stories that hold together");
    remove it to generate without arrival

Translation collects every pending feature of a config, then raises once: the first refusal,
plus how many more there are and where (so a template can be trimmed in one pass).
"""

from __future__ import annotations

from ..errors import ConfigError

ISSUES = {
    12: "Stories that hold together",
    13: "Sources as a pipeline sees them",
    15: "Breadth of the warehouse",
}

# key -> (issue, what the user asked for, the fix; default "remove it to generate without <what>").
PENDING: dict[str, tuple[int, str, str | None]] = {
    "treatment": (12, "treatment", None),
    "baseline": (12, "a per-segment baseline", None),
    "metric_overrides": (12, "a per-archetype metric override", None),
    "entity_overrides": (12, "a per-entity override", None),
    "cross_dim_fks": (12, "a pinned foreign key (cross_dim_fks)", None),
    "entity_variation": (12, "per-entity variation inside an archetype ({detail})", "give every entity of the archetype the same value"),
    "entity_sizes": (12, "per-entity sizes (a variable dimension multiplies by size: {detail})", "give every entity the same size"),
    "variable_fact": (15, "a variable-grain fact", None),
    "child_fact": (15, "a child fact", None),
    "sibling_fact": (15, "a sibling fact (a reference to another fact)", None),
    "narrative": (15, "a narrative column", None),
    "geo": (15, "a geo column ({detail})", None),
    "nested": (15, "a nested (struct/array) column", None),
    "date_columns": (15, "a custom dim_date column ({detail})", None),
    "per_period_dim": (15, "a per-period dimension other than dim_date", None),
    "denormalized": (15, "denormalised output (wide tables)", "set it to false or remove it"),
    "output_format": (15, "{detail} output", "use csv, parquet or duckdb"),
    "partition_by": (15, "partitioned Parquet (partition_by)", None),
    "connection_phases": (15, "a connection phase (time-varying connections)", None),
    "metric_noise": (15, "per-metric noise", None),
    "decay_lag": (15, "a decaying lag", None),
    "blend_lag": (15, "a blended lag (blend_weight below 1)", "set blend_weight to 1 or remove it"),
    "heteroscedastic": (15, "heteroscedastic noise (scale_with_trajectory)", "set it to false or remove it"),
    "faker": (15, "the Faker method {detail}", "use name, first_name, last_name, email, company, city or country, or remove the column"),
    "locales": (15, "more than one locale", "give one locale"),
    "event_logs": (15, "an event log file", None),
    "bridge_columns": (15, "a bridge column", None),
    "weighted_fk": (15, "a weighted foreign key", None),
    "trajectory_pool": (15, "a trajectory-picked pool", None),
    "index_columns": (15, "an index column ({detail})", None),
    "fact_key_column": (15, "a surrogate key column on a per-period fact", None),
    "random_bridges": (15, "a bridge with random link counts (trajectory_driven: false)", "set trajectory_driven to true or remove it"),
}


def refusal(path: str, key: str, detail: str = "") -> ConfigError:
    issue, what, fix = PENDING[key]
    what = what.format(detail=detail)
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
