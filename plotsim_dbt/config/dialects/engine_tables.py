"""Engine ``tables`` and ``bridges`` onto our declared schema.

- ``type: dim``: ``per_entity`` -> entity dimension; ``per_reference`` -> ``grain: reference``
  (rows: the larger of ``count`` and the longest static list); ``variable`` -> ``sub_entity`` with
  ``count`` x the entities' ``size`` rows per entity; ``per_period`` named dim_date -> dropped
  (see dates.py); ``per_period`` on another dim -> ``grain: period`` (one row per period)
- ``type: fact``, ``per_entity_per_period`` -> a fact; ``variable`` -> a fact with ``proportional``
  (from ``row_count_source``); ``per_parent_row`` -> a fact with ``parent`` and
  ``children_per_row``; both gain the date, entity (and parent) keys the reference adds by itself;
  ``fk:<fact>.<key>`` -> ``ref.<fact>`` (a sibling); ``type: event`` (grain ``variable``) -> an
  event whose rule is ``row_count_source`` (``proportional:M:scale:X`` / ``threshold:M:above|
  below:V:for:N``) or, as the reference's builder writes it, a ``threshold:`` column (a ``flag``)
- ``primary_key`` and ``foreign_keys`` are checked against the columns (our keys follow from the
  column types); ``pk_prefix`` is accepted, but our keys are integers
- ``bridges{name, connects: [A, B], cardinality{min, max}}`` -> ``{left: A, right: B,
  cardinality: [min, max]}``, driven by the trajectory as in the reference (``trajectory_driven:
  false`` -> ``links: uniform``); ``metrics`` (sources ``metric:``, ``static:``,
  ``generated:faker.<kind>``) -> ``columns``; ``directed`` changes nothing for two different tables
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError
from . import engine_shapes as E
from . import shapes
from .common import Context, faker_column, join
from .dates import date_columns
from .engine_columns import Tables, translate_column
from .engine_entities import Entities

GRAINS = {
    "dim": {"per_entity": "entity", "per_reference": "reference", "variable": "sub_entity", "per_period": "period"},
    "fact": {"per_entity_per_period": "fact", "variable": None, "per_parent_row": None},
    "event": {"variable": "event"},
}
GROUPS = {"dim": "dimensions", "fact": "facts", "event": "events"}


def translate_tables(cfg: E.EngineConfig, ctx: Context, entities: Entities, metrics: list[str]) -> dict[str, list]:
    tables = Tables(cfg)
    out: dict[str, list] = {"dimensions": [], "facts": [], "events": [], "bridges": [], "date_columns": []}
    for t, table in enumerate(cfg.tables):
        path = join("tables", t)
        if sum(other.name == table.name for other in cfg.tables) > 1:
            raise ConfigError(join(path, "name"), f"table {table.name!r} is declared twice")
        _check_fields(table, path, ctx, tables)
        if table.grain not in GRAINS[table.type]:
            raise ConfigError(join(path, "grain"), f"a {table.type} table has grain {', '.join(GRAINS[table.type])}, not {table.grain}")
        if table.type == "dim" and table.grain == "per_period" and table.name == "dim_date":
            out["date_columns"] += date_columns([c.model_dump() for c in table.columns], path, ctx, _date_column)
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
        if table.type == "fact" and table.grain != "per_entity_per_period":
            declared.update(_fact_grain(table, path, ours, ctx, tables, metrics))
            declared["columns"] = _inherited(declared["columns"], table, tables)
        if table.type == "event":
            declared.update(_event_rule(table, path, ours, ctx, metrics))
            declared.update({key: getattr(table, key) for key in ("log_format", "log_filename") if getattr(table, key) is not None})
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
    child = table.type == "fact" and table.grain == "per_parent_row"
    if (table.parent_table is not None or table.children_per_row is not None) != child or (
        child and (table.parent_table is None or table.children_per_row is None)
    ):
        raise ConfigError(join(path, "parent_table"), "parent_table and children_per_row go together, on per_parent_row facts only")
    if table.row_count_source is not None and not (table.type == "event" or (table.type == "fact" and table.grain == "variable")):
        raise ConfigError(join(path, "row_count_source"), "row_count_source applies to events and variable facts")
    if table.count > 1 and not (table.type == "dim" and table.grain in ("variable", "per_reference")):
        raise ConfigError(join(path, "count"), "count applies to variable and per_reference dims")


def _fact_grain(table: E.Table, path: str, ours: str, ctx: Context, tables: Tables, metrics: list[str]) -> dict:
    """Our grain fields of a variable (``proportional``) or per_parent_row (``parent``) fact."""
    if table.grain == "variable":
        rule = _rule(table.row_count_source, join(path, "row_count_source"), metrics) if table.row_count_source else None
        if rule is None or "proportional" not in rule:
            raise ConfigError(join(path, "row_count_source"), "a variable fact needs row_count_source proportional:<metric>:scale:<x>")
        ctx.trail.note(join(ours, "proportional"), join(path, "row_count_source"), whole=True)
        return rule
    low, high = table.children_per_row
    if not 1 <= low <= high:
        raise ConfigError(join(path, "children_per_row"), "children_per_row is [min >= 1, max >= min]")
    if table.parent_table not in tables.by_name or tables.by_name[table.parent_table].type != "fact":
        raise ConfigError(join(path, "parent_table"), f"{table.parent_table!r} is not a declared fact")
    ctx.trail.note(join(ours, "parent"), join(path, "parent_table"))
    return {"parent": table.parent_table, "children_per_row": [low, high]}


def _inherited(columns: list[dict], table: E.Table, tables: Tables) -> list[dict]:
    """A variable or child fact's columns with the keys the reference adds by itself: the parent's
    key (named like it, on a child of a keyed fact), the date and the entity (after the declared
    ones, so the columns keep their field paths)."""
    targets = {c.get("type") for c in columns}
    entity = next(t.name for t in tables.by_name.values() if t.type == "dim" and t.grain == "per_entity")
    added = []
    parent = tables.by_name.get(table.parent_table) if table.parent_table else None
    if parent is not None and parent.grain != "per_entity_per_period" and f"ref.{parent.name}" not in targets:
        added.append({"name": tables.key(parent.name), "type": f"ref.{parent.name}"})
    added += [{"name": tables.key(name), "type": f"ref.{name}"} for name in ("dim_date", entity) if f"ref.{name}" not in targets]
    return columns + added


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
        raise ConfigError(
            join(path, "row_count_source"),
            "an event needs row_count_source proportional:<metric>:scale:<x>, or a column "
            "with source threshold:<metric>:above|below:<value>:for:<n> (the reference writes such a table empty)",
        )
    parsed = [(where, _rule(source, where, metrics)) for where, source in rules]
    if any(rule != parsed[0][1] for _, rule in parsed[1:]):
        raise ConfigError(parsed[1][0], "this event already has a different rule; one event table has one proportional or threshold rule")
    where, rule = parsed[0]
    ctx.trail.note(join(ours, next(iter(rule))), where, whole=True)
    return rule


def _date_column(column: dict, path: str) -> dict:
    """An engine dim_date column: its key (pk) or the date key again (generated:date_key), as ours."""
    if column["source"] not in ("pk", "generated:date_key"):
        raise ConfigError(join(path, "source"), "dim_date columns take pk (date_key) or generated:date_key")
    word = {"id": "int", "int": "int", "float": "float", "string": "string", "date": "date"}.get(column["dtype"])
    if word is None:
        raise ConfigError(join(path, "dtype"), f"a dim_date column is id, int, float, string or date, not {column['dtype']!r}")
    return {"name": column["name"], "type": word, "sql": "date_key"}


def _bridge(bridge: E.Bridge, path: str, ctx: Context, tables: Tables) -> dict:
    for k, name in enumerate(bridge.connects):
        if name not in tables.by_name or tables.by_name[name].type != "dim":
            raise ConfigError(join(path, "connects", k), f"{name!r} is not a declared dim table")
    ours = join("bridges", path.split(".")[1])
    for field, theirs in (("left", "connects.0"), ("right", "connects.1"), ("links", "trajectory_driven"), ("columns", "metrics")):
        ctx.trail.note(join(ours, field), join(path, theirs))
    out = {
        "name": bridge.name,
        "left": bridge.connects[0],
        "right": bridge.connects[1],
        "cardinality": [bridge.cardinality.min, bridge.cardinality.max],
    }
    if not bridge.trajectory_driven:
        out["links"] = "uniform"
    if bridge.metrics:
        out["columns"] = [_bridge_column(c, join(path, "metrics", j), join(ours, "columns", j), ctx) for j, c in enumerate(bridge.metrics)]
    return out


def _bridge_column(data: dict, path: str, ours: str, ctx: Context) -> dict:
    """A bridge's ``metrics`` entry as our bridge column; the reference allows metric:, static: and
    generated:faker. sources there."""
    c = shapes.check(E.Column, data, path)
    where = join(path, "source")
    ctx.trail.note(join(ours, "type"), where, whole=True)
    out: dict[str, Any] = {"name": c.name} | ({"description": c.pii_note} if c.pii_note else {})
    head, _, rest = c.source.partition(":")
    if head in ("metric", "static") and rest:
        return {**out, "type": f"{head}.{rest}"}
    if c.source.startswith("generated:faker."):
        ctx.trail.note(join(ours, "args"), where, whole=True)
        return {**out, **faker_column(rest, where)}
    raise ConfigError(where, f"a bridge column's source is metric:<metric>, static:<value> or generated:faker.<method>, got {c.source!r}")
