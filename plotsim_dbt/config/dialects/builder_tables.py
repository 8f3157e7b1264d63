"""The builder YAML's schema (``dimensions``, ``facts``, ``events``, ``bridges`` and their
columns) onto ours; see builder.py for the whole mapping."""

from __future__ import annotations

from typing import Any

from ...columns import KINDS
from ..errors import ConfigError
from . import shapes
from .common import Context, declared, faker_column, join, listed, translate_nested
from .dates import date_columns

# Option keys of a column (ours and the reference's), to read the short form {column_name: type}.
OPTION_KEYS = {f for kind in KINDS.values() for f in kind.model_fields} | {
    "range",
    "template",
    "lexicons",
    "bands",
    "nested_schema",
    "array_element_type",
    "array_length",
}
DATE_WORDS = ("date", "int", "string", "float")


def translate_schema(out: dict, data: dict, ctx: Context, metrics: list) -> None:
    """Rewrite the schema groups of ``out`` (a copy of the user's ``data``) in place."""
    facts = {f.get("name"): f for f in listed(data.get("facts")) if isinstance(f, dict)}
    if isinstance(out.get("dimensions"), list):
        extra: list[dict] = []
        out["dimensions"] = _dimensions(out["dimensions"], ctx, facts, extra)
        if extra:
            out["date_columns"] = [*listed(out.get("date_columns")), *extra]
    for group, translate in (("facts", _fact), ("events", _event), ("bridges", _bridge)):
        if isinstance(out.get(group), list):
            out[group] = [translate(t, join(group, i), ctx, metrics, facts) for i, t in enumerate(out[group])]


def _dimensions(dims: list, ctx: Context, facts: dict, dated: list) -> list:
    """The dimensions in our form; a declared dim_date's extra columns go to ``dated``."""
    # Dimensions that are (or default to) one row per entity: a builder dimension referencing one
    # of them is a sub-entity dimension.
    per_entity = {
        d.get("name")
        for d in dims
        if isinstance(d, dict) and d.get("grain", "entity") == "entity" and d.get("reference") is not True and d.get("per") != "period"
    }
    names = [d.get("name") for d in dims if isinstance(d, dict)]
    out = []
    for i, dim in enumerate(dims):
        path = join("dimensions", i)
        ours = join("dimensions", len(out))
        if not isinstance(dim, dict) or "grain" in dim:
            ctx.trail.note(ours, path)
            out.append(dim if not isinstance(dim, dict) else _with_columns(dim, path, ctx, ours))
            continue
        d = dict(dim)
        per, is_reference = d.pop("per", None), d.pop("reference", False)
        if per is not None and is_reference:
            raise ConfigError(join(path, "per"), "a dimension is either reference: true or per: unit/period, not both")
        if per not in (None, "unit", "period"):
            raise ConfigError(join(path, "per"), f"per is unit or period, got {per!r}")
        if per == "period" and d.get("name") == "dim_date":
            dated += date_columns([_long(c) for c in listed(d.get("columns"))], path, ctx, _date_column)
            continue
        d = _with_columns(d, path, ctx, ours)
        columns = [c for c in listed(d.get("columns")) if isinstance(c, dict)]
        for j, column in enumerate(listed(d.get("columns"))):
            target = _ref_target(column) if isinstance(column, dict) else None
            if target is not None and target not in (*names, *facts, "dim_date"):
                raise ConfigError(join(path, "columns", j, "type"), f"{target!r} is not a declared dimension (or dim_date)")
        if per == "period":
            d["grain"] = "period"
            ctx.trail.note(join(ours, "grain"), join(path, "per"))
        elif is_reference:
            d["grain"] = "reference"
            lists = [len(str(c["type"]).split(",")) for c in columns if str(c.get("type", "")).startswith("static.")]
            if lists and "count" in d:
                d["count"] = max(d["count"], *lists)
            elif not lists:
                d.setdefault("count", 1)  # the reference's default: one row
        elif any(_ref_target(c) in per_entity - {d.get("name")} for c in columns):
            d["grain"] = "sub_entity"
            d.setdefault("count", 1)
        else:
            d["grain"] = "entity"
            if d.get("count") == 1:
                del d["count"]
        ctx.trail.note(ours, path)
        out.append(d)
    return out


def _date_column(column: dict, path: str) -> dict:
    """A builder dim_date column, once its type word is checked (ours is the same, plus sql)."""
    word = str(column.get("type"))
    if word != "id" and word not in DATE_WORDS:
        raise ConfigError(join(path, "type"), f"dim_date columns take id (date_key) or date, int, string, float, not {word!r}")
    return column


def _ref_target(column: dict) -> str | None:
    word = str(column.get("type", ""))
    return word.removeprefix("ref.") if word.startswith("ref.") else None


def _with_columns(table: dict, path: str, ctx: Context, ours: str | None = None) -> dict:
    """The table's columns translated; ``ours`` is the table's path in our model when it differs
    (a dropped dim_date shifts the dimensions after it)."""
    if isinstance(table.get("columns"), list):
        columns = table["columns"]
        table = {**table, "columns": [_column(c, join(path, "columns", j), join(ours or path, "columns", j), ctx) for j, c in enumerate(columns)]}
    return table


def _long(column: Any) -> Any:
    """{column_name: type, options...} -> {name, type, options...}; other forms as they are."""
    if not isinstance(column, dict) or "name" in column or "type" in column:
        return column
    names = [k for k in column if k not in OPTION_KEYS]
    if len(names) != 1:
        return column
    return {"name": names[0], "type": column[names[0]], **{k: v for k, v in column.items() if k != names[0]}}


def _column(column: Any, path: str, ours: str, ctx: Context) -> Any:
    c = _long(column)
    if not isinstance(c, dict) or not isinstance(c.get("type"), str):
        return column
    word = c["type"]
    where = join(path, "type")
    if word.startswith("faker.") and "args" not in c:  # with args: written our way already
        if ":" in word:  # faker.<method>:key:value: the args come from the type
            ctx.trail.note(join(ours, "args"), where, whole=True)
        return {**c, **faker_column(word, where)}
    elif word in ("struct", "array") and {"nested_schema", "array_element_type", "array_length"} & set(c):
        nested = {k: c[k] for k in ("nested_schema", "array_element_type", "array_length") if k in c}
        shapes.check(shapes.Nested, nested, path)
        return {**{k: v for k, v in c.items() if k not in nested}, **translate_nested(word, nested, path, ours, ctx)}
    elif word in DATE_WORDS:
        raise ConfigError(where, f"{word!r} types a dim_date column; elsewhere use a word that makes values (metric.X, static.X, range, ...)")
    elif word == "range" and "range" in c:
        bounds = c["range"]
        if not isinstance(bounds, list) or len(bounds) != 2 or "min" in c or "max" in c:
            raise ConfigError(join(path, "range"), "write range: [min, max] (or min and max), not both")
        ctx.trail.note(join(ours, "min"), join(path, "range"), whole=True)
        ctx.trail.note(join(ours, "max"), join(path, "range"), whole=True)
        return {**{k: v for k, v in c.items() if k != "range"}, "min": bounds[0], "max": bounds[1]}
    return c


def _fact(fact: Any, path: str, ctx: Context, metrics: list, facts: dict) -> Any:
    if not isinstance(fact, dict):
        return fact
    f = dict(fact)
    metric_names = f.pop("metrics", [])
    if not isinstance(metric_names, list):
        raise ConfigError(join(path, "metrics"), "metrics lists metric names")
    driver, scale = f.pop("row_count_driver", None), f.pop("row_count_scale", None)
    if driver is not None or scale is not None:
        if driver is None or scale is None or not isinstance(scale, (int, float)) or scale <= 0:
            raise ConfigError(join(path, "row_count_scale"), "a variable-grain fact needs row_count_driver and a positive row_count_scale")
        declared(driver, metrics, join(path, "row_count_driver"))
        f["proportional"] = {"driver": driver, "scale": scale}
        ctx.trail.note(join(path, "proportional", "driver"), join(path, "row_count_driver"))
        ctx.trail.note(join(path, "proportional", "scale"), join(path, "row_count_scale"))
    if "parent_table" in f:
        parent, children = f.pop("parent_table"), f.get("children_per_row")
        if parent is None or not isinstance(children, list) or len(children) != 2 or not 1 <= children[0] <= children[1]:
            raise ConfigError(join(path, "children_per_row"), "a child fact needs parent_table and children_per_row: [min >= 1, max >= min]")
        if parent not in facts:
            raise ConfigError(join(path, "parent_table"), f"{parent!r} is not a declared fact")
        f["parent"] = parent
        ctx.trail.note(join(path, "parent"), join(path, "parent_table"))
        f["columns"] = _with_parent_key(listed(f.get("columns")), facts[parent])
    return _with_columns(f, path, ctx)


def _with_parent_key(columns: list, parent: dict) -> list:
    """A child's columns with the parent's key the reference adds by itself (named like the
    parent's id column, after the declared ones), when the parent has one and no column points at it."""
    declared = [_long(c) for c in columns]
    if any(isinstance(c, dict) and c.get("type") == f"ref.{parent['name']}" for c in declared):
        return columns
    key = next((c["name"] for c in map(_long, listed(parent.get("columns"))) if isinstance(c, dict) and c.get("type") == "id"), None)
    return columns if key is None else [*columns, {"name": key, "type": f"ref.{parent['name']}"}]


def _event(event: Any, path: str, ctx: Context, metrics: list, facts: dict) -> Any:
    if not isinstance(event, dict):
        return event
    e = dict(event)
    trigger = e.pop("trigger", None)
    if trigger == "proportional":
        rule = {k: e.pop(k) for k in ("driver", "scale") if k in e}
        if len(rule) != 2:
            raise ConfigError(join(path, "driver"), "trigger: proportional needs driver (a metric) and scale")
        e["proportional"] = rule
        for key in rule:
            ctx.trail.note(join(path, "proportional", key), join(path, key))
    elif trigger == "threshold":
        rule = {k: e.pop(k) for k in ("metric", "above", "below") if k in e}
        for key in ("for", "for_periods"):
            if key in e:
                if "for" in rule:
                    raise ConfigError(join(path, key), "give for or for_periods, not both")
                rule["for"] = e.pop(key)
                ctx.trail.note(join(path, "threshold", "for"), join(path, key))
        if rule.get("for") is None:
            rule.pop("for", None)
        e["threshold"] = rule
        for key in ("metric", "above", "below"):
            ctx.trail.note(join(path, "threshold", key), join(path, key))
    elif trigger is not None:
        raise ConfigError(join(path, "trigger"), f"trigger is proportional or threshold, got {trigger!r}")
    return _with_columns(e, path, ctx)


def _bridge(bridge: Any, path: str, ctx: Context, metrics: list, facts: dict) -> Any:
    if not isinstance(bridge, dict):
        return bridge
    b = dict(bridge)
    if not isinstance(b.pop("directed", True), bool):
        raise ConfigError(join(path, "directed"), "directed is true or false")
    return _with_columns(b, path, ctx)
