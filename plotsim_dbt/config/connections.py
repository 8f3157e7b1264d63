"""``connections`` and ``connection_phases``: correlations between metrics (a word or a
coefficient), over the whole window or phase by phase, and their checks against the metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field, model_validator

from .base import Frozen
from .vocabulary import CONNECTION_WORDS

if TYPE_CHECKING:
    from .models import Config


class Connection(Frozen):
    metric_a: str
    metric_b: str
    coefficient: float = Field(ge=-1.0, le=1.0)
    word: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _forms(cls, data: Any) -> Any:
        if isinstance(data, str):
            parts = data.split()
            if len(parts) != 3:
                raise ValueError(f"write a connection as 'a WORD b' or 'a 0.42 b', got {data!r}")
            data = list(parts)
        if isinstance(data, (list, tuple)):
            if len(data) != 3:
                raise ValueError(f"a connection list has three items [a, WORD, b], got {list(data)}")
            a, middle, b = data
            data = {"metric_a": a, "metric_b": b, "relationship": middle}
        if isinstance(data, dict) and "relationship" in data:
            data = dict(data)
            middle = data.pop("relationship")
            if "coefficient" in data:
                raise ValueError("give a relationship word or a coefficient, not both")
            if isinstance(middle, bool):
                raise ValueError("a connection needs a word or a number between -1 and 1, not true/false")
            if isinstance(middle, str) and middle in CONNECTION_WORDS:
                data.update(coefficient=CONNECTION_WORDS[middle], word=middle)
            else:
                try:
                    data["coefficient"] = float(middle)
                except (TypeError, ValueError):
                    raise ValueError(f"unknown relationship {middle!r}; use a number in [-1, 1] or one of {', '.join(CONNECTION_WORDS)}") from None
        return data


class ConnectionPhase(Frozen):
    """Connections that hold over periods [start_period, end_period] (0-based, both inclusive) in
    place of the config's ``connections``, which hold in every period outside the phases."""

    start_period: int = Field(ge=0, description="First period of the phase (0-based).")
    end_period: int = Field(ge=0, description="Last period of the phase (inclusive).")
    connections: list[Connection] = Field(
        min_length=1,
        description="The connections in force during the phase (pairs not listed are "
        "independent in it; write 'a independent b' for a phase of no connection).",
    )

    @model_validator(mode="after")
    def _ordered(self) -> ConnectionPhase:
        if self.end_period < self.start_period:
            raise ValueError(f"end_period: the phase ends ({self.end_period}) before it starts ({self.start_period})")
        return self


def check_connections(config: Config) -> None:
    names = [m.name for m in config.metrics]
    _check_connections("connections", config.connections, names)
    _check_phases(config.connection_phases, names, config.window.periods)


def _check_connections(path: str, connections: list[Connection], names: list[str]) -> None:
    seen: set[frozenset[str]] = set()
    for i, conn in enumerate(connections):
        for end in (conn.metric_a, conn.metric_b):
            if end not in names:
                raise ValueError(f"{path}.{i}: {end!r} is not a declared metric")
        if conn.metric_a == conn.metric_b:
            raise ValueError(f"{path}.{i}: a metric cannot be connected to itself ({conn.metric_a})")
        pair = frozenset((conn.metric_a, conn.metric_b))
        if pair in seen:
            raise ValueError(f"{path}.{i}: {conn.metric_a} and {conn.metric_b} are connected twice")
        seen.add(pair)


def _check_phases(phases: list[ConnectionPhase], names: list[str], periods: int) -> None:
    taken = np.full(periods, -1)
    for i, phase in enumerate(phases):
        if phase.end_period >= periods:
            raise ValueError(f"connection_phases.{i}.end_period: the window has periods 0 to {periods - 1}, not {phase.end_period}")
        overlap = taken[phase.start_period : phase.end_period + 1]
        if (overlap >= 0).any():
            raise ValueError(f"connection_phases.{i}: it overlaps phase {int(overlap[overlap >= 0][0])}; phases must not share periods")
        taken[phase.start_period : phase.end_period + 1] = i
        _check_connections(f"connection_phases.{i}.connections", phase.connections, names)
