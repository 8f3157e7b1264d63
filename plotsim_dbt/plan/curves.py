"""The curve family archetypes are built from. Each maps u in [0, 1] to a position in [0, 1]."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _sigmoid(u, midpoint=0.5, steepness=10.0, direction="rising", low=0.0, high=1.0):
    def raw(x):
        return 1.0 / (1.0 + np.exp(-steepness * (x - midpoint)))

    # Normalise by the curve's own end points so a segment starts and ends exactly at low/high.
    v = (raw(u) - raw(0.0)) / (raw(1.0) - raw(0.0))
    if direction == "falling":
        v = 1.0 - v
    return low + (high - low) * v


def _exp_decay(u, rate=3.0):
    return np.exp(-rate * u)


def _step(u, threshold=0.5, before=1.0, after=0.0):
    return np.where(u < threshold, before, after)


def _logistic(u, k=10.0, midpoint=0.5, ceiling=1.0):
    return ceiling * _sigmoid(u, midpoint=midpoint, steepness=k)


def _plateau(u, level=0.5):
    return np.full_like(u, level)


def _oscillating(u, period=2.0, amplitude=0.2, center=0.5):
    return center + amplitude * np.sin(2.0 * np.pi * period * u)


def _compound(u, rate=3.0):
    return np.expm1(rate * u) / np.expm1(rate)


def _sawtooth(u, period=3.0, amplitude=0.8, base=0.1):
    return base + amplitude * np.mod(u * period, 1.0)


def _ramp(u, base_rate=0.05, acceleration=0.02):
    """The accumulated rate base_rate + acceleration * u (a quadratic), scaled to run from its lowest
    to its highest value on [0, 1]: the reference generator's ``compound`` curve."""

    def total(x):
        return base_rate * x + acceleration * x * x / 2.0

    ends = [0.0, total(1.0)]
    if acceleration != 0.0 and 0.0 < -base_rate / acceleration < 1.0:
        ends.append(total(-base_rate / acceleration))
    low, high = min(ends), max(ends)
    return (total(u) - low) / (high - low) if high > low else np.zeros_like(u)


CURVES: dict[str, Callable[..., np.ndarray]] = {
    "sigmoid": _sigmoid,
    "exp_decay": _exp_decay,
    "step": _step,
    "logistic": _logistic,
    "plateau": _plateau,
    "oscillating": _oscillating,
    "compound": _compound,
    "sawtooth": _sawtooth,
    "ramp": _ramp,
}

TEXT_PARAMS = {"direction": ("rising", "falling")}


def curve_parameters(name: str) -> tuple[str, ...]:
    code = CURVES[name].__code__
    return code.co_varnames[1 : code.co_argcount]


def evaluate(name: str, u: np.ndarray, params: dict) -> np.ndarray:
    return np.clip(CURVES[name](np.asarray(u, dtype=np.float64), **params), 0.0, 1.0)
