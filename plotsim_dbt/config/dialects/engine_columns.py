"""Engine column ``source`` strings onto our column types:

``pk`` -> ``id`` (on a per-entity-per-period fact: our surrogate key, an int unique in the table
where the reference writes ``<col>-<pppp>-<entity_pk>``); ``fk:T.C`` -> ``ref.T`` (C must be T's
key), its ``distribution: {weights: {key: w}}`` -> ``weights`` keyed by our integer keys (the
reference's ``r-002`` is our 2); ``metric:M`` -> ``metric.M``;
``lag:M:periods:N`` -> ``lag.M:periods:N``; ``static:V`` -> ``static.V``; ``range:a:b`` ->
``range`` + min/max; ``text:bucket:[a, b]`` -> ``bucket`` + labels; ``scd_type2`` +
``scd_type2{trigger_metric: fact.metric, thresholds, labels}`` -> ``scd`` + tracks/at/tiers;
``pool:NAME[:uniform|:trajectory]`` + ``value_pool`` -> ``pool.NAME`` with ``pick`` (the values become
segment attributes);
``derived:archetype`` -> ``segment`` (segments are named after archetypes); on facts and events
``derived:period_index`` -> ``period_index``, ``derived:entity_id`` -> ``ref.<the per_entity dim>``,
``generated:period_label`` -> ``period_label``; ``derived:name`` and
``generated:entity_name`` -> ``entity_name``, ``derived:size`` -> ``static.<size>``;
``generated:timestamp`` -> ``timestamp``, ``generated:date_key`` -> ``ref.dim_date``;
``generated:faker.<method>[:k:v]*`` -> our realistic kinds (the seven without arguments), else
``faker.<method>`` + args; ``generated:geo.<field>`` -> ``geo.<field>``; a ``threshold:...`` column of an event
-> ``flag`` (the event's rule is read from it, see engine_tables.py). ``pii_note`` becomes the column's description.
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError
from . import engine_shapes as E
from . import shapes
from .common import Context, faker_column, join, translate_nested
from .engine_entities import Entities


class Tables:
    """What a column's source may point at: every engine table, by name."""

    def __init__(self, cfg: E.EngineConfig):
        self.by_name = {t.name: t for t in cfg.tables}

    def key(self, name: str) -> str | None:
        if name == "dim_date":
            return "date_key"
        table = self.by_name[name]
        if isinstance(table.primary_key, str):
            return table.primary_key
        return next((c.name for c in table.columns if c.source == "pk"), None)

    def entity(self) -> str | None:
        """The per_entity dimension, whose key an entity_id column carries."""
        return next((t.name for t in self.by_name.values() if t.type == "dim" and t.grain == "per_entity"), None)


def translate_column(c: E.Column, path: str, ours: str, table: E.Table, ctx: Context, tables: Tables, entities: Entities, metrics: list[str]) -> dict:
    """Our column for engine column ``c`` at ``path`` (``ours`` is its path in our model)."""
    out: dict[str, Any] = {"name": c.name}
    if c.pii_note:
        out["description"] = c.pii_note
    src, where = c.source, join(path, "source")
    ctx.trail.note(join(ours, "type"), where, whole=True)
    for key, wanted in (("scd_type2", "scd_type2"), ("value_pool", "pool:"), ("narrative", "narrative:")):
        if getattr(c, key) is not None and not src.startswith(wanted):
            raise ConfigError(join(path, key), f"{key} belongs to a column whose source is {wanted}...")
    if c.dtype == "boolean" and src.startswith(("metric:", "lag:")):
        raise ConfigError(where, "a boolean column cannot carry a metric; give it dtype int or float")
    if c.dtype in ("struct", "array") or src == "nested":
        nested = {k: getattr(c, k) for k in ("nested_schema", "array_element_type", "array_length")}
        shapes.check(shapes.Nested, nested, path)
        kind = c.dtype if c.dtype in ("struct", "array") else "struct" if c.nested_schema is not None else "array"
        return {**out, **translate_nested(kind, nested, path, ours, ctx)}
    head, _, rest = src.partition(":")
    per_period = table.type == "fact"
    if src == "pk":
        return {**out, "type": "id"}
    if src == "scd_type2":
        return {**out, **_scd(c, path, ours, ctx, tables, metrics)}
    if head == "fk":
        return {**out, **_fk(c, rest, where, ours, ctx, tables)}
    if head == "metric" and rest:
        return {**out, "type": f"metric.{rest}"}
    if head == "lag":
        metric, word, periods = (rest.split(":") + ["", ""])[:3]
        if word != "periods" or not metric or not periods.isdigit() or int(periods) < 1:
            raise ConfigError(where, f"write a lag source as lag:<metric>:periods:<N>, got {src!r}")
        return {**out, "type": f"lag.{metric}:periods:{int(periods)}"}
    if head == "static" and rest:
        return {**out, "type": f"static.{rest}"}
    if head == "range":
        bounds = rest.split(":")
        try:
            low, high = (float(b) for b in bounds) if len(bounds) == 2 else (None, None)
        except ValueError:
            low = high = None
        if low is None:
            raise ConfigError(where, f"write a range source as range:<min>:<max>, got {src!r}")
        ctx.trail.note(join(ours, "min"), where, whole=True)
        ctx.trail.note(join(ours, "max"), where, whole=True)
        return {**out, "type": "range", "min": int(low) if c.dtype == "int" else low, "max": int(high) if c.dtype == "int" else high}
    if src.startswith("text:bucket:"):
        body = src.removeprefix("text:bucket:")
        labels = [label.strip() for label in body[1:-1].split(",")] if body.startswith("[") and body.endswith("]") else []
        if len(labels) < 2 or not all(labels) or len(set(labels)) != len(labels):
            raise ConfigError(where, f"write a bucket source as text:bucket:[low, mid, high] (2 or more distinct labels), got {src!r}")
        ctx.trail.note(join(ours, "labels"), where, whole=True)
        return {**out, "type": "bucket", "labels": labels}
    if head == "pool" and rest:
        name, _, mode = rest.partition(":")
        if mode not in ("", "uniform", "trajectory"):
            raise ConfigError(where, f"a pool mode is uniform or trajectory, got {mode!r}")
        entities.add_pool(name, c.value_pool, c.dtype, path)
        return {**out, "type": f"pool.{name}", **({"pick": mode} if mode else {})}
    if head == "derived":
        return {**out, "type": _derived(rest, where, per_period or table.type == "event", tables, entities)}
    if head == "generated" and rest.startswith("faker."):
        ctx.trail.note(join(ours, "args"), where, whole=True)
        return {**out, **faker_column(rest, where)}
    if head == "generated":
        return {**out, "type": _generated(rest, where, table, ctx)}
    if head == "threshold":
        if table.type != "event":
            raise ConfigError(where, "a threshold source belongs to an event table")
        return {**out, "type": "flag"}
    if head == "proportional":
        raise ConfigError(where, "a proportional source sets an event's rows: put it in the table's row_count_source")
    if head == "narrative":
        shapes.check(shapes.Narrative, c.narrative or {}, join(path, "narrative"))
        for key in ("template", "lexicons", "bands"):
            ctx.trail.note(join(ours, key), join(path, "narrative", key))
        return {**out, "type": "narrative", **c.narrative}
    raise ConfigError(
        where,
        f"unknown source {src!r}; use pk, fk:, metric:, lag:, static:, range:, pool:, derived:, generated:, "
        "text:bucket:, scd_type2, threshold: (events)",
    )


def _scd(c: E.Column, path: str, ours: str, ctx: Context, tables: Tables, metrics: list[str]) -> dict:
    scd = c.scd_type2
    if scd is None:
        raise ConfigError(join(path, "scd_type2"), "a scd_type2 column needs scd_type2 {trigger_metric: fact.metric, thresholds, labels}")
    fact, metric = scd.trigger_metric.split(".")
    where = join(path, "scd_type2")
    if fact not in tables.by_name or tables.by_name[fact].type != "fact":
        raise ConfigError(join(where, "trigger_metric"), f"{fact!r} is not a declared fact table")
    if metric not in metrics:
        raise ConfigError(join(where, "trigger_metric"), f"{metric!r} is not a declared metric")
    for key, theirs in (("tracks", "trigger_metric"), ("tiers", "labels"), ("at", "thresholds")):
        ctx.trail.note(join(ours, key), join(where, theirs))
    return {"type": "scd", "tracks": metric, "tiers": list(scd.labels), "at": list(scd.thresholds)}


def _fk(c: E.Column, target: str, where: str, ours: str, ctx: Context, tables: Tables) -> dict:
    table, _, column = target.partition(".")
    if not table or not column:
        raise ConfigError(where, f"write a foreign key as fk:<table>.<column>, got fk:{target}")
    if table != "dim_date" and table not in tables.by_name:
        raise ConfigError(where, f"{table!r} is not a declared table")
    if table in tables.by_name and tables.by_name[table].type == "event":
        raise ConfigError(where, f"{table!r} is an event table; a foreign key points at a dim or at a variable or child fact")
    if tables.key(table) is None:
        raise ConfigError(
            where, f"{table} has no key column (source pk) to point at; a foreign key points at a dim's key, or at a variable or child fact's"
        )
    if tables.key(table) != column:
        raise ConfigError(where, f"{table}'s key column is {tables.key(table)!r}, not {column!r}")
    weights = c.distribution.get("weights") if isinstance(c.distribution, dict) else None
    there = where.removesuffix("source") + "distribution"
    if c.distribution not in (None, "uniform") and not (isinstance(c.distribution, dict) and set(c.distribution) <= {"weights"}):
        raise ConfigError(there, "a foreign key's distribution is uniform or {weights: {key: weight}}")
    if not weights:
        return {"type": f"ref.{table}"}
    if not isinstance(weights, dict):
        raise ConfigError(join(there, "weights"), "write weights as {key: weight}, e.g. {r-001: 2.0, r-002: 1.0}")
    ctx.trail.note(join(ours, "weights"), join(there, "weights"))
    return {"type": f"ref.{table}", "weights": {_row_number(key, join(there, "weights")): w for key, w in weights.items()}}


def _row_number(key: Any, where: str) -> int:
    """Our key of a reference row the reference names ``<prefix>-<n>`` (or n)."""
    digits = str(key).rpartition("-")[2]
    if not digits.isdigit():
        raise ConfigError(where, f"{key!r} is not a row key; write <prefix>-<n> (e.g. r-001) or the row's number")
    return int(digits)


def _derived(field: str, where: str, per_period: bool, tables: Tables, entities: Entities) -> str:
    if per_period:
        if field == "period_index":
            return "period_index"
        if field == "entity_id" and tables.entity() is None:
            raise ConfigError(where, "derived:entity_id carries the entity dimension's key: declare a per_entity dim")
        if field == "entity_id":
            return f"ref.{tables.entity()}"
        raise ConfigError(where, f"facts and events derive period_index or entity_id, not {field!r}")
    if field == "archetype":
        return "segment"
    if field in ("name", "entity_name"):
        return "entity_name"
    if field == "size":
        size = entities.size(where)
        return f"static.{size if size is not None else 1}"
    raise ConfigError(where, f"dimensions derive size, archetype or name, not {field!r}")


def _generated(provider: str, where: str, table: E.Table, ctx: Context) -> str:
    if provider.startswith("geo."):
        return provider
    if provider == "timestamp":
        return "timestamp"
    if provider == "entity_name":
        return "entity_name"
    if provider == "date_key" and table.type in ("fact", "event"):
        return "ref.dim_date"
    if provider == "period_label" and table.type in ("fact", "event"):
        return "period_label"
    raise ConfigError(where, f"unknown generated value {provider!r} for a {table.type} table")
