"""GenerationState: the truth behind a generated dataset, for Python users."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from ..plan.resolve import Plan


class Trajectories(Mapping):
    """Entity name -> trajectory positions (one per period). Computed on access from the plan,
    so a million entities cost nothing until asked for."""

    def __init__(self, plan: Plan):
        self.plan = plan

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            entity = self.plan.entity_index(name)
        except KeyError:
            raise KeyError(name) from None
        return self.plan.positions[self.plan.entity_segment[entity]].copy()

    def __iter__(self) -> Iterator[str]:
        step = 65536
        for start in range(0, self.plan.entity_count, step):
            yield from self.plan.entity_names(start, min(start + step, self.plan.entity_count)).to_pylist()

    def __len__(self) -> int:
        return self.plan.entity_count


SCD_VERSIONS_SCHEMA = pa.schema(
    [("dim_table", pa.string()), ("entity_id", pa.int64()), ("dim_row_id", pa.int64()), ("label", pa.string()),
     ("valid_from", pa.date32()), ("valid_to", pa.date32()), ("is_current", pa.bool_()),
     ("from_period_index", pa.int32()), ("to_period_index", pa.int32())]
)
SCD_EVENTS_SCHEMA = pa.schema(
    [("dim_table", pa.string()), ("entity_id", pa.int64()), ("period_index", pa.int32()), ("date_key", pa.int32()),
     ("old_label", pa.string()), ("new_label", pa.string()), ("old_dim_row_id", pa.int64()),
     ("new_dim_row_id", pa.int64()), ("trigger_position", pa.float64())]
)
BRIDGE_LINKS_SCHEMA = pa.schema([("bridge", pa.string()), ("left_id", pa.int64()), ("right_id", pa.int64())])
CALENDAR_MIXTURES_SCHEMA = pa.schema([("entity_id", pa.int64()), ("component", pa.string()), ("weight", pa.float64())])


def _table(batches: list[pa.RecordBatch], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_batches([b.cast(schema) for b in batches], schema=schema)


@dataclass(frozen=True)
class SCDState:
    """Every SCD2 version (truth_scd_versions) and every tier change (truth_scd_events)."""

    versions: pa.Table = field(default_factory=SCD_VERSIONS_SCHEMA.empty_table)
    events: pa.Table = field(default_factory=SCD_EVENTS_SCHEMA.empty_table)


@dataclass(frozen=True)
class BridgeState:
    """Every bridge link (truth_bridge_links), bridge by bridge in declared order."""

    links: pa.Table = field(default_factory=BRIDGE_LINKS_SCHEMA.empty_table)


@dataclass(frozen=True)
class GenerationState:
    plan: Plan
    trajectories: Trajectories
    scd: SCDState
    bridges: BridgeState
    calendar_mixtures: pa.Table = field(default_factory=CALENDAR_MIXTURES_SCHEMA.empty_table)  # entity x component weights

    @classmethod
    def of(cls, plan: Plan, truth: dict[str, list[pa.RecordBatch]] | None = None) -> GenerationState:
        """The state of a run from the truth batches the engine yielded (None: plan-only truth)."""
        truth = truth or {}
        scd = SCDState(
            versions=_table(truth.get("truth_scd_versions", []), SCD_VERSIONS_SCHEMA),
            events=_table(truth.get("truth_scd_events", []), SCD_EVENTS_SCHEMA),
        )
        link_batches = [b for bridge in plan.config.schema.bridges for b in truth.get(f"truth_bridge_links__{bridge.name}", [])]
        return cls(plan=plan, trajectories=Trajectories(plan), scd=scd, bridges=BridgeState(_table(link_batches, BRIDGE_LINKS_SCHEMA)),
                   calendar_mixtures=_table(truth.get("truth_calendar_mixtures", []), CALENDAR_MIXTURES_SCHEMA))
