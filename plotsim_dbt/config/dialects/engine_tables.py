"""Engine ``tables`` and ``bridges`` onto our declared schema.

- ``type: dim``: ``per_entity`` -> entity dimension; ``per_reference`` -> ``grain: reference``
  (rows: the larger of ``count`` and the longest static list); ``variable`` -> ``sub_entity`` with
  ``count`` x the entities' ``size`` rows per entity; ``per_period`` named dim_date -> dropped
  (see dates.py)
- ``type: fact``, ``per_entity_per_period`` -> a fact; ``type: event`` (grain ``variable``) -> an
  event whose rule is ``row_count_source`` (``proportional:M:scale:X`` / ``threshold:M:above|
  below:V:for:N``) or, as the reference's builder writes it, a ``threshold:`` column (a ``flag``)
- ``primary_key`` and ``foreign_keys`` are checked against the columns (our keys follow from the
  column types); ``pk_prefix`` is accepted, but our keys are integers
- ``bridges{name, connects: [A, B], cardinality{min, max}}`` -> ``{left: A, right: B,
  cardinality: [min, max]}``, driven by the trajectory as in the reference; ``directed`` changes
  nothing for two different tables
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError
from . import engine_shapes as E
from .common import Context, join
from .dates import check_date_dimension
from .engine_columns import Tables, translate_column
from .engine_entities import Entities

GRAINS = {
    "dim": {"per_entity": "entity", "per_reference": "reference", "variable": "sub_entity", "per_period": None},
    "fact": {"per_entity_per_period": "fact", "variable": None, "per_parent_row": None},
    "event": {"variable": "event"},
}
GROUPS = {"dim": "dimensions", "fact": "facts", "event": "events"}


def translate_tables(cfg: E.EngineConfig, ctx: Context, entities: Entities, metrics: list[str]) -> dict[str, list]:
    tables = Tables(cfg)
    out: dict[str, list] = {"dimensions": [], "facts": [], "events": [], "bridges": []}
    for t, table in enumerate(cfg.tables):
        path = join("tables", t)
        if sum(other.name == table.name for other in cfg.tables) > 1:
            raise ConfigError(join(path, "name"), f"table {table.name!r} is declared twice")
        _check_fields(table, path, ctx, tables)
        if table.grain not in GRAINS[table.type]:
            raise ConfigError(join(path, "grain"), f"a {table.type} table has grain {', '.join(GRAINS[table.type])}, not {table.grain}")
        if table.type == "dim" and table.grain == "per_period":
            if table.name != "dim_date":
                ctx.pending.refuse(join(path, "grain"), "per_period_dim")
            else:
                check_date_dimension([c.model_dump() for c in table.columns], path, ctx, _date_column)
            continue
        if table.type == "fact" and table.grain != "per_entity_per_period":
            _pending_fact(table, path, ctx, tables, metrics)
            continue
        group = GROUPS[table.type]
        ours = join(group, len(out[group]))
        ctx.trail.note(ours, path)
        declared: dict[str, Any] = {"name": table.name}
        if table.type == "dim":
            declared["grain"] = GRAINS["dim"][table.grain]
            if table.grain == "per_reference":
                lists = [len(c.source.split(",")) for c in table.columns if c.source.startswith("static:")]
                if table.count > max(lists, default=0):
                    declared["count"] = table.count
            elif table.grain == "variable":
                size = entities.size(join(path, "count"))
                declared["count"] = table.count * (size or 1)
                ctx.trail.note(join(ours, "count"), join(path, "count"))
        declared["columns"] = [
            translate_column(c, join(path, "columns", j), join(ours, "columns", j), table, ctx, tables, entities, metrics)
            for j, c in enumerate(table.columns)
        ]
        if table.type == "event":
            declared.update(_event_rule(table, path, ours, ctx, metrics))
        if table.cdc:
            declared["cdc"] = True
        out[group].append(declared)
    for b, bridge in enumerate(cfg.bridges):
        out["bridges"].append(_bridge(bridge, join("bridges", b), ctx, tables))
    return {group: tables for group, tables in out.items() if tables}


def _check_fields(table: E.Table, path: str, ctx: Context, tables: Tables) -> None:
    names = [c.name for c in table.columns]
    keys = [table.primary_key] if isinstance(table.primary_key, str) else table.primary_key or []
    for key in keys:
        if key not in names:
            raise ConfigError(join(path, "primary_key"), f"{key!r} is not a column of {table.name}")
    for k, fk in enumerate(table.foreign_keys):
        parent, _, column = fk.partition(".")
        if not column or (parent != "dim_date" and parent not in tables.by_name):
            raise ConfigError(join(path, "foreign_keys", k), f"write a foreign key as <declared table>.<column>, got {fk!r}")
    if table.cdc and table.type != "fact":
        raise ConfigError(join(path, "cdc"), "cdc applies to facts")
    logs = [key for key in ("log_format", "log_filename") if getattr(table, key) is not None]
    if logs and table.type != "event":
        raise ConfigError(join(path, logs[0]), f"{logs[0]} applies to events")
    if logs:
        ctx.pending.refuse(join(path, logs[0]), "event_logs")
    child = table.type == "fact" and table.grain == "per_parent_row"
    if (table.parent_table is not None or table.children_per_row is not None) != child or (
        child and (table.parent_table is None or table.children_per_row is None)
    ):
        raise ConfigError(join(path, "parent_table"), "parent_table and children_per_row go together, on per_parent_row facts only")
    if table.row_count_source is not None and not (table.type == "event" or (table.type == "fact" and table.grain == "variable")):
        raise ConfigError(join(path, "row_count_source"), "row_count_source applies to events and variable facts")
    if table.count > 1 and not (table.type == "dim" and table.grain in ("variable", "per_reference")):
        raise ConfigError(join(path, "count"), "count applies to variable and per_reference dims")


def _pending_fact(table: E.Table, path: str, ctx: Context, tables: Tables, metrics: list[str]) -> None:
    if table.grain == "variable":
        rule = _rule(table.row_count_source, join(path, "row_count_source"), metrics) if table.row_count_source else None
        if rule is None or "proportional" not in rule:
            raise ConfigError(join(path, "row_count_source"), "a variable fact needs row_count_source proportional:<metric>:scale:<x>")
        ctx.pending.refuse(join(path, "grain"), "variable_fact")
        return
    low, high = table.children_per_row
    if not 1 <= low <= high:
        raise ConfigError(join(path, "children_per_row"), "children_per_row is [min >= 1, max >= min]")
    if table.parent_table not in tables.by_name or tables.by_name[table.parent_table].type != "fact":
        raise ConfigError(join(path, "parent_table"), f"{table.parent_table!r} is not a declared fact")
    ctx.pending.refuse(join(path, "grain"), "child_fact")


def _rule(source: str, where: str, metrics: list[str]) -> dict:
    """``proportional:M:scale:X`` or ``threshold:M:above|below:V:for:N`` as our event rule."""
    parts = source.split(":")
    try:
        if parts[0] == "proportional" and len(parts) == 4 and parts[2] == "scale":
            rule = {"proportional": {"driver": parts[1], "scale": float(parts[3])}}
        elif parts[0] == "threshold" and len(parts) == 6 and parts[2] in ("above", "below") and parts[4] == "for":
            rule = {"threshold": {"metric": parts[1], parts[2]: float(parts[3]), "for": int(parts[5])}}
        else:
            rule = None
    except ValueError:
        rule = None
    if rule is None:
        raise ConfigError(where, f"write proportional:<metric>:scale:<x> or threshold:<metric>:above|below:<value>:for:<n>, got {source!r}")
    metric = rule["proportional"]["driver"] if "proportional" in rule else rule["threshold"]["metric"]
    if metric not in metrics:
        raise ConfigError(where, f"{metric!r} is not a declared metric")
    return rule


def _event_rule(table: E.Table, path: str, ours: str, ctx: Context, metrics: list[str]) -> dict:
    rules = []
    if table.row_count_source is not None:
        rules.append((join(path, "row_count_source"), table.row_count_source))
    rules += [(join(path, "columns", j, "source"), c.source) for j, c in enumerate(table.columns) if c.source.startswith("threshold:")]
    if not rules:
        raise ConfigError(join(path, "row_count_source"), "an event needs row_count_source proportional:<metric>:scale:<x>, or a column "
                          "with source threshold:<metric>:above|below:<value>:for:<n> (the reference writes such a table empty)")
    parsed = [(where, _rule(source, where, metrics)) for where, source in rules]
    if any(rule != parsed[0][1] for _, rule in parsed[1:]):
        raise ConfigError(parsed[1][0], "this event already has a different rule; one event table has one proportional or threshold rule")
    where, rule = parsed[0]
    ctx.trail.note(join(ours, next(iter(rule))), where, whole=True)
    return rule


def _date_column(column: dict, path: str) -> str | None:
    if column["source"] not in ("pk", "generated:date_key"):
        raise ConfigError(join(path, "source"), "dim_date columns take pk (date_key) or generated:date_key")
    return column["name"]


def _bridge(bridge: E.Bridge, path: str, ctx: Context, tables: Tables) -> dict:
    if not bridge.trajectory_driven:
        ctx.pending.refuse(join(path, "trajectory_driven"), "random_bridges")
    if bridge.metrics:
        ctx.pending.refuse(join(path, "metrics"), "bridge_columns")
    for k, name in enumerate(bridge.connects):
        if name not in tables.by_name or tables.by_name[name].type != "dim":
            raise ConfigError(join(path, "connects", k), f"{name!r} is not a declared dim table")
    for ours, theirs in (("left", "connects.0"), ("right", "connects.1")):
        ctx.trail.note(join("bridges", path.split(".")[1], ours), join(path, theirs))
    return {"name": bridge.name, "left": bridge.connects[0], "right": bridge.connects[1],
            "cardinality": [bridge.cardinality.min, bridge.cardinality.max]}
