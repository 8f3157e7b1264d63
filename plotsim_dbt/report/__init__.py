"""A self-contained HTML report of a warehouse's story as planned (the truth tables) and as
delivered (the data tables), with pictures. Needs matplotlib (``pip install 'plotsim-dbt[plot]'``),
imported only when a report is made."""

from __future__ import annotations

from pathlib import Path

from ..config import Config
from ..plan.resolve import Plan, plan_of

__all__ = ["report"]


def _require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError("the report needs matplotlib: pip install 'plotsim-dbt[plot]'") from exc


def report(
    config_or_plan: Config | Plan, path: str | Path, *, name: str | None = None, seed: int | None = None, max_entities: int | None = None
) -> Path:
    """Generate the warehouse of a Config (or Plan) and write its report to ``path`` (HTML).
    Above ``max_entities`` entities (default 20,000) the report reads evenly spaced key blocks
    of entities, each with exactly a full run's rows. ``name`` labels the config in the header (the
    CLI passes the template name or file). Returns the path written."""
    _require_matplotlib()
    from . import data, html, sections

    plan: Plan = plan_of(config_or_plan, seed)
    if not any(t.metric_columns for t in plan.fact_tables):
        # every section reads the metrics off the facts with one row per entity and period
        raise ValueError("report: needs a fact table with one row per entity and period carrying a metric column; this config has none")
    loaded = data.load(plan, max_entities or data.MAX_ENTITIES)
    present, absent = sections.build(loaded)
    config = plan.config
    facts = [
        ("config", name or config.unit),
        ("about", config.about or "-"),
        ("seed", str(plan.seed)),
        ("window", f"{plan.axis.count} {config.window.every} periods from {config.window.start} to {config.window.end}"),
        (
            "entities",
            f"{plan.entity_count:,} in {len(config.segments)} segments"
            + ("" if loaded.sampled == plan.entity_count else f"; this report reads {loaded.sampled:,} of them"),
        ),
        ("metrics", ", ".join(m.name for m in plan.metrics)),
        ("config sha256", plan.config_sha256[:16]),
        ("not in this config", ", ".join(absent) or "-"),
    ]
    rows = {name: len(table) for name, table in loaded.tables.items()}
    target = Path(path)
    target.write_text(html.page(f"plotsim_dbt report: {name or config.about}", facts, rows, present), encoding="utf-8")
    return target
