"""The reference's builder YAML (``create(**kw)`` keys) onto our model.

The builder and our own spelling share the top level (``about``, ``unit``, ``window``,
``metrics``, ``segments``, ...), so this is a normaliser: it rewrites only what the reference
spells differently and leaves our spellings as they are (running it on our own config changes
nothing). What it maps:

- dimensions: ``reference: true`` -> ``grain: reference`` (rows: the larger of ``count`` and the
  longest static list); ``per: unit`` (or no ``per``) -> ``grain: entity``, or ``sub_entity`` with
  ``count`` rows per entity when a column references the entity dimension (the reference makes
  any reference to a non-date dimension a sub-entity one; ours keeps lookups of reference
  dimensions on the entity dimension); a declared ``dim_date``
  (``per: period``) is dropped, as our dim_date always has the nine columns it may name
- facts: ``metrics`` (ignored by the reference too) and ``cdc: false`` dropped
- events: the flat ``trigger: proportional, driver, scale`` / ``trigger: threshold, metric,
  above|below, for|for_periods`` -> ``proportional: {...}`` / ``threshold: {...}``
- bridges: ``directed`` dropped (our bridges join two different tables, so it changes nothing)
- columns: ``faker.<kind>`` -> our realistic kinds, ``range`` + ``range: [a, b]`` -> ``min``/``max``
- metrics: beta ``{alpha, beta[, scale]}`` -> ``{concentration: alpha + beta}`` (``scale`` -> range
  [0, scale] when there is no range); ``decay_kernel`` without ``decay_window`` dropped
- noise ``noise_family`` -> ``family``; output, manifest, locale and seed: see common.py

Everything in pending.py is validated and refused.
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError
from ..models import Noise
from . import shapes
from .builder_tables import translate_schema
from .common import Context, check_manifest, declared, join, listed, reference_params, translate_locale, translate_noise, translate_output


def translate_builder(data: dict, ctx: Context) -> dict:
    if "domain" in data:
        raise ConfigError("domain", "a config with about is builder YAML, where domain is unknown; engine YAML has domain and no about")
    out = dict(data)
    metrics = [m.get("name") for m in listed(data.get("metrics")) if isinstance(m, dict)]
    if "stages" in out:  # the reference's alias of lifecycle
        if out.get("lifecycle") is not None:
            raise ConfigError("stages", "stages is another name for lifecycle; give one of them")
        out["lifecycle"] = out.pop("stages")
        ctx.trail.note("lifecycle", "stages")
    for i, phase in enumerate(listed(out.pop("connection_phases", None))):
        shapes.check(shapes.ConnectionPhase, phase, join("connection_phases", i))
        ctx.pending.refuse(join("connection_phases", i), "connection_phases")
    check_manifest(out.pop("manifest", None), "manifest")
    if "locale" in out:
        out["locale"] = translate_locale(out["locale"], "locale", ctx)
    if "seed" in out and out["seed"] is None:
        del out["seed"]  # the reference draws a random seed; ours is 0, so runs repeat
    if out.get("noise") is not None:
        out["noise"] = translate_noise(out["noise"], "noise", ctx)
    if out.get("output") is not None:
        out["output"] = translate_output(out["output"], "output", ctx)
    if isinstance(out.get("metrics"), list):
        out["metrics"] = [_metric(m, join("metrics", i), ctx) for i, m in enumerate(out["metrics"])]
    if isinstance(out.get("segments"), list):
        out["segments"] = [_segment(s, join("segments", i), ctx, metrics) for i, s in enumerate(out["segments"])]
    translate_schema(out, data, ctx, metrics)
    return out


def _metric(metric: Any, path: str, ctx: Context) -> Any:
    if not isinstance(metric, dict):
        return metric
    m = dict(metric)
    if "distribution_params" in m and m["distribution_params"] is None:
        del m["distribution_params"]
    params = m.get("distribution_params")
    if m.get("distribution") == "beta" and isinstance(params, dict) and {"alpha", "beta", "scale"} & params.keys():
        _, ours, span = reference_params("beta", params, join(path, "distribution_params"), builder=True)
        m["distribution_params"] = ours
        if "scale" in params and m.get("range") is None:
            m["range"] = list(span)
            ctx.trail.note(join(path, "range"), join(path, "distribution_params", "scale"), whole=True)
    if m.get("decay_window") is not None:
        shapes.check(shapes.Decay, {k: m[k] for k in ("decay_window", "decay_kernel") if k in m}, path)
        if m.get("follows") is None:
            raise ConfigError(join(path, "decay_window"), "a decay spreads a lag: add follows and delay, or remove decay_window")
        ctx.pending.refuse(join(path, "decay_window"), "decay_lag")
    elif m.get("decay_kernel") not in (None, "geometric", "linear"):
        raise ConfigError(join(path, "decay_kernel"), "decay_kernel is geometric or linear")
    m.pop("decay_window", None)
    m.pop("decay_kernel", None)
    if m.get("noise") is not None:
        shapes.check(Noise, translate_noise(m["noise"], join(path, "noise"), ctx), join(path, "noise"))
        ctx.pending.refuse(join(path, "noise"), "metric_noise")
    m.pop("noise", None)
    return m


def _segment(segment: Any, path: str, ctx: Context, metrics: list) -> Any:
    if not isinstance(segment, dict):
        return segment
    s = dict(segment)
    baseline = s.pop("baseline", None)
    if baseline:
        shapes.check(shapes.BaselineShape, {"baseline": baseline}, path)
        for metric in baseline:
            declared(metric, metrics, join(path, "baseline", metric))
        ctx.pending.refuse(join(path, "baseline"), "baseline")
    # arrival and treatment are written as ours: they pass through to the segment.
    return s
