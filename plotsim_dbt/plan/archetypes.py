"""Archetype words and the composition grammar ``growth > decline @ 6``.

spec  ::= shape (">" shape)* ("@" INT)*      one anchor per ">"
shape ::= WORD | CURVE "(" [name=value {, name=value}] ")"
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .curves import CURVES, TEXT_PARAMS, curve_parameters, evaluate

# Each word is a list of (curve, params, start, end) pieces tiling [0, 1].
WORDS: dict[str, list[tuple[str, dict, float, float]]] = {
    "growth": [("sigmoid", {"midpoint": 0.5, "steepness": 6.0}, 0.0, 1.0)],
    "decline": [("exp_decay", {"rate": 2.0}, 0.0, 1.0)],
    "flat": [("plateau", {"level": 0.5}, 0.0, 1.0)],
    "seasonal": [("oscillating", {"period": 2.0, "amplitude": 0.4, "center": 0.5}, 0.0, 1.0)],
    "spike_then_crash": [
        ("sigmoid", {"midpoint": 0.5, "steepness": 10.0}, 0.0, 0.35),
        ("sigmoid", {"midpoint": 0.5, "steepness": 10.0, "direction": "falling", "low": 0.2}, 0.35, 0.55),
        ("plateau", {"level": 0.2}, 0.55, 1.0),
    ],
    "accelerating": [("compound", {"rate": 3.0}, 0.0, 1.0)],
}

_CALL = re.compile(r"^([a-z_]+)\s*\((.*)\)$")


@dataclass(frozen=True)
class Phase:
    pieces: tuple[tuple[str, tuple[tuple[str, object], ...], float, float], ...]
    start: int  # first period of the phase
    stop: int  # one past its last period


def _parse_shape(text: str) -> list[tuple[str, dict, float, float]]:
    text = text.strip()
    if text in WORDS:
        return WORDS[text]
    match = _CALL.match(text)
    if not match or match.group(1) not in CURVES:
        known = ", ".join(list(WORDS) + [f"{c}(...)" for c in CURVES])
        raise ValueError(f"unknown archetype {text!r}; use one of {known}")
    name, body = match.groups()
    allowed = curve_parameters(name)
    params: dict = {}
    for item in filter(None, (p.strip() for p in body.split(","))):
        key, _, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if key not in allowed:
            raise ValueError(f"curve {name} has no parameter {key!r}; it takes {', '.join(allowed)}")
        if key in TEXT_PARAMS:
            if value not in TEXT_PARAMS[key]:
                raise ValueError(f"{name}({key}=...) must be one of {', '.join(TEXT_PARAMS[key])}")
            params[key] = value
        else:
            try:
                params[key] = float(value)
            except ValueError:
                raise ValueError(f"{name}({key}={value}) needs a number") from None
    with np.errstate(all="ignore"):
        finite = np.isfinite(CURVES[name](np.linspace(0.0, 1.0, 5), **params)).all()
    if not finite:
        raise ValueError(f"{text} does not give a curve (a parameter of 0 divides by zero); choose another value")
    return [(name, params, 0.0, 1.0)]


def parse_archetype(spec: str, periods: int) -> tuple[Phase, ...]:
    """Split a spec into phases over ``periods`` periods; raises ValueError naming the problem."""
    body, *anchor_texts = [part.strip() for part in spec.split("@")]
    shapes = [_parse_shape(s) for s in body.split(">")]
    try:
        anchors = [int(a) for a in anchor_texts]
    except ValueError:
        raise ValueError(f"anchors after '@' must be whole period numbers in {spec!r}") from None
    if len(anchors) != len(shapes) - 1:
        raise ValueError(f"{spec!r} has {len(shapes)} shapes and {len(anchors)} anchors; write one '@ PERIOD' per '>', e.g. 'growth > decline @ 6'")
    if any(not 1 <= a <= periods - 1 for a in anchors) or anchors != sorted(set(anchors)):
        raise ValueError(f"anchors in {spec!r} must rise strictly and lie between 1 and {periods - 1}")
    bounds = [0, *anchors, periods]
    return tuple(
        Phase(
            pieces=tuple((c, tuple(sorted(p.items())), a, b) for c, p, a, b in shape),
            start=bounds[i],
            stop=bounds[i + 1],
        )
        for i, shape in enumerate(shapes)
    )


def positions_at(phases: tuple[Phase, ...], tau: np.ndarray) -> np.ndarray:
    """Positions in [0, 1] at times ``tau`` (periods from the start of the window, fractions
    allowed: an entity's own timing). A time between two phases belongs to the later one."""
    tau = np.asarray(tau, dtype=np.float64)
    starts = np.array([phase.start for phase in phases])
    which = np.searchsorted(starts[1:], tau, side="right")
    out = np.empty(tau.shape)
    for k, phase in enumerate(phases):
        here = which == k
        if not here.any():
            continue
        length = phase.stop - phase.start
        u = np.clip((tau[here] - phase.start) / (length - 1), 0.0, 1.0) if length > 1 else np.zeros(int(here.sum()))
        values = np.empty(u.shape)
        for j, (curve, params, a, b) in enumerate(phase.pieces):
            last = j == len(phase.pieces) - 1
            inside = (u >= a) & ((u <= b) if last else (u < b))
            values[inside] = evaluate(curve, (u[inside] - a) / (b - a), dict(params))
        out[here] = values
    return out


def trajectory(phases: tuple[Phase, ...]) -> np.ndarray:
    """The archetype's position at every period. Pure: no randomness."""
    return positions_at(phases, np.arange(phases[-1].stop, dtype=np.float64))
