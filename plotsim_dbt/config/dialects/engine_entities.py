"""Engine entities as our segments. An engine entity is one row of the entity dimension; the
entities of one archetype become one segment named after it (first-appearance order), with
``count`` = how many, so the names are ``<archetype>_<NNNN>``, which is how the reference names
the entities its builder makes. Per-entity settings that would split a segment are not
supported (unsupported.py); a pool's per-entity ``value_pool`` becomes the segment's attribute."""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError
from . import engine_shapes as E
from . import shapes
from .common import Context, join

TREATMENT = ("treatment_group", "treatment_lift_log_odds", "treatment_target_metric")


class Entities:
    def __init__(self, cfg: E.EngineConfig, ctx: Context, metrics: list[str]):
        self.ctx = ctx
        archetypes = {a.name: a for a in cfg.archetypes}
        groups: dict[str, list[tuple[int, E.Entity]]] = {}
        seen: set[str] = set()
        for i, entity in enumerate(cfg.entities):
            path = join("entities", i)
            if entity.archetype not in archetypes:
                raise ConfigError(join(path, "archetype"), f"{entity.archetype!r} is not a declared archetype")
            if entity.name in seen:
                raise ConfigError(join(path, "name"), f"entity {entity.name!r} is declared twice")
            seen.add(entity.name)
            self._unsupported(entity, path, metrics)
            groups.setdefault(entity.archetype, []).append((i, entity))
        self.groups = [(archetypes[name], members) for name, members in groups.items()]
        for _, members in self.groups:
            first = members[0][1].seasonal_sensitivity
            for i, entity in members:
                if entity.seasonal_sensitivity != first:
                    ctx.unsupported.refuse(join("entities", i, "seasonal_sensitivity"), "entity_variation", "seasonal_sensitivity")
                    break
        self.group_of = {entity.name: g for g, (_, members) in enumerate(self.groups) for _, entity in members}
        self.entities = list(cfg.entities)
        self.attributes: list[dict[str, Any]] = [{} for _ in self.groups]
        self._pools: dict[str, list[list]] = {}

    def _unsupported(self, entity: E.Entity, path: str, metrics: list[str]) -> None:
        refuse = self.ctx.unsupported.refuse
        given = [k for k in TREATMENT if getattr(entity, k) is not None] + (["treatment_start_period"] if entity.treatment_start_period else [])
        if given:
            target = entity.treatment_target_metric
            if target is not None and target not in metrics:
                raise ConfigError(join(path, "treatment_target_metric"), f"{target!r} is not a declared metric")
            refuse(join(path, given[0]), "treatment", ", ".join(given))
        if entity.overrides is not None:
            overrides = shapes.check(shapes.EntityOverrides, entity.overrides, join(path, "overrides"))
            if overrides.inflection_month is not None:
                refuse(join(path, "overrides"), "entity_overrides")
        if entity.cross_dim_fks:
            refuse(join(path, "cross_dim_fks"), "cross_dim_fks")

    def size(self, path: str) -> int | None:
        """The size every entity shares; None (and refused) when they differ."""
        sizes = {e.size for e in self.entities}
        if len(sizes) == 1:
            return sizes.pop()
        i = next(i for i, e in enumerate(self.entities) if e.size != self.entities[0].size)
        self.ctx.unsupported.refuse(join("entities", i, "size"), "entity_sizes", path)
        return None

    def add_pool(self, name: str, pool: dict | None, dtype: str, path: str) -> None:
        """``pool:<name>`` with ``value_pool{entity: [values]}`` -> segment attribute ``name``."""
        where = join(path, "value_pool")
        if not pool and name in self._pools:
            return  # another pool:<name> column declared the values
        if not pool:
            raise ConfigError(where, f"pool:{name} needs value_pool {{entity name: [values]}} covering every entity")
        for entity in pool:
            if entity not in self.group_of:
                raise ConfigError(join(where, entity), f"{entity!r} is not a declared entity")
        per_group = []
        for _, members in self.groups:
            values = None
            for _, entity in members:
                if entity.name not in pool or not pool[entity.name]:
                    raise ConfigError(where, f"entity {entity.name!r} has no values; the pool must cover every entity")
                mine = [_cast(v, dtype, where) for v in pool[entity.name]]
                if values is not None and mine != values:
                    self.ctx.unsupported.refuse(where, "entity_variation", f"pool {name}")
                values = values if values is not None else mine
            per_group.append(values)
        if name in self._pools and self._pools[name] != per_group:
            raise ConfigError(where, f"pool {name!r} is declared again with other values; give every pool:{name} column the same value_pool")
        self._pools[name] = per_group
        for attributes, values in zip(self.attributes, per_group):
            attributes[name] = values if len(values) > 1 else values[0]


def _cast(value: Any, dtype: str, path: str) -> Any:
    try:
        if dtype == "int":
            return int(value)
        if dtype == "float":
            return float(value)
        if dtype == "boolean":
            return value if isinstance(value, bool) else str(value).strip().lower() in ("true", "1", "yes")
    except (TypeError, ValueError):
        raise ConfigError(path, f"{value!r} is not a valid {dtype}") from None
    return str(value)
