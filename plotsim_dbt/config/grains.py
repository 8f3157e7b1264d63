"""Rules of fact grains: variable facts (rows set by a driver metric), child facts (rows under a
parent fact's rows) and references between facts. Raises ValueError('<field path>: message')."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..columns.keys import IdColumn, RefColumn

if TYPE_CHECKING:
    from .schema import Fact


def check_grains(facts: list[Fact], metrics: list[str]) -> None:
    by_name = {f.name: f for f in facts}
    for f, fact in enumerate(facts):
        path = f"facts.{f}"
        ids = [c for c, column in enumerate(fact.columns) if isinstance(column, IdColumn)]
        if fact.grain == "entity_period" and len(ids) > 1:
            raise ValueError(f"{path}.columns.{ids[1]}.type: a fact has at most one id column (a surrogate key beside its date and entity); keep one")
        if fact.grain != "entity_period" and len(ids) != 1:
            raise ValueError(f"{path}.columns: a {fact.grain} fact needs exactly one id column (its row key), found {len(ids)}")
        if fact.proportional is not None and fact.proportional.driver not in metrics:
            raise ValueError(f"{path}.proportional.driver: {fact.proportional.driver!r} is not a declared metric")
        if fact.parent is not None:
            _check_parent(fact, path, by_name)
        for c, column in enumerate(fact.columns):
            target = by_name.get(column.target) if isinstance(column, RefColumn) else None
            if target is not None and target.grain == "entity_period":
                raise ValueError(
                    f"{path}.columns.{c}.type: {target.name} is keyed by date and entity (a row per entity and period); "
                    "reference a variable or child fact"
                )


def _check_parent(fact: Fact, path: str, facts: dict[str, Fact]) -> None:
    parent = facts.get(fact.parent)
    if parent is None or parent.name == fact.name:
        raise ValueError(f"{path}.parent: {fact.parent!r} is not another declared fact")
    chain = [fact.name, parent.name]
    while parent.parent is not None:
        parent = facts.get(parent.parent)
        if parent is None:
            return  # reported at that fact
        if parent.name in chain:
            raise ValueError(f"{path}.parent: parents make a cycle ({' -> '.join([*chain, parent.name])})")
        chain.append(parent.name)
    keyed = facts[fact.parent].grain != "entity_period"  # else the parent row is the child's own (date, entity)
    if keyed and not any(isinstance(c, RefColumn) and c.target == fact.parent for c in fact.columns):
        raise ValueError(f"{path}.columns: a child fact needs a ref.{fact.parent} column (its parent row's key)")


def check_shares(facts: list[Fact], places: dict[str, int | None]) -> None:
    """A share column splits whole units (``places``: each metric's decimal places, None for full
    precision), so the sums are exact."""
    by_name = {f.name: f for f in facts}
    for f, fact in enumerate(facts):
        for c, column in enumerate(fact.columns):
            if column.kind == "share":
                metric = share_metric(by_name, fact, column.column)
                if places[metric] is None:
                    raise ValueError(
                        f"facts.{f}.columns.{c}.type: shares add up exactly only in whole units: give the metric {metric} "
                        "decimals (e.g. decimals: 2) or a count type"
                    )


def share_metric(facts: dict[str, Fact], fact: Fact, column: str) -> str:
    """The metric a share column of ``fact`` splits in the end (through the parents' shares)."""
    parent = facts[fact.parent]
    source = next(c for c in parent.columns if c.name == column)
    return share_metric(facts, parent, source.column) if source.kind == "share" else source.metric
