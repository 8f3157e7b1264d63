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
  (``per: period``) is dropped, as our dim_date always has the nine columns it may name; another
  ``per: period`` dimension -> ``grain: period``
- facts: ``metrics`` dropped (ignored by the reference too); ``cdc`` is ours as written
- events: the flat ``trigger: proportional, driver, scale`` / ``trigger: threshold, metric,
  above|below, for|for_periods`` -> ``proportional: {...}`` / ``threshold: {...}``
- bridges: ``directed`` dropped (our bridges join two different tables, so it changes nothing);
  ``columns`` translated like a table's
- columns: ``faker.<method>[:k:v]*`` -> our realistic kinds (the seven without arguments), else
  ``faker.<method>`` + args; ``range`` + ``range: [a, b]`` -> ``min``/``max``
- metrics: beta ``{alpha, beta[, scale]}`` -> ``{concentration: alpha + beta}`` (``scale`` -> range
  [0, scale] when there is no range); ``decay_window``, ``decay_kernel`` and a metric's ``noise``
  are ours too (a ``decay_kernel`` without ``decay_window`` does nothing)
- ``connection_phases`` and noise ``scale_with_trajectory`` are ours as written
- noise ``noise_family`` -> ``family`` (top level and per metric); output, manifest, locale and
  seed: see common.py

Everything in unsupported.py is validated and refused.
"""

from __future__ import annotations

import warnings
from typing import Any

from ..errors import ConfigError
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
    if out.get("connection_phases") is None:
        out.pop("connection_phases", None)
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
        counts = {m.get("name") for m in listed(out.get("metrics")) if isinstance(m, dict) and _unranged_count(m)}
        out["segments"] = [_segment(s, join("segments", i), metrics, counts) for i, s in enumerate(out["segments"])]
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
    if m.get("decay_window") is None:
        m.pop("decay_window", None)
        if m.get("decay_kernel") is None:
            m.pop("decay_kernel", None)
    if m.get("noise") is not None:
        m["noise"] = translate_noise(m["noise"], join(path, "noise"), ctx)
    return m


def _unranged_count(metric: dict) -> bool:
    """A count without a range: its mean has no range for a baseline third to narrow."""
    return metric.get("range", metric.get("value_range")) is None and (metric.get("type") == "count" or metric.get("distribution") == "poisson")


def _segment(segment: Any, path: str, metrics: list, counts: set) -> Any:
    if not isinstance(segment, dict):
        return segment
    s = dict(segment)
    if s.get("baseline"):
        shapes.check(shapes.BaselineShape, {"baseline": s["baseline"]}, path)
        for metric in s["baseline"]:
            declared(metric, metrics, join(path, "baseline", metric))
        # The reference skips a baseline on a count without a range; it loads here too, with a warning.
        for metric in sorted(counts & s["baseline"].keys()):
            warnings.warn(
                f"{join(path, 'baseline', metric)}: {metric!r} is a count without a range, so a baseline has nothing to "
                "narrow and is ignored; give the metric a range (range: [low, high]) to narrow it",
                UserWarning,
                stacklevel=2,
            )
        s["baseline"] = {k: v for k, v in s["baseline"].items() if k not in counts}
    elif "baseline" in s:
        del s["baseline"]  # the reference's templates write an empty or null baseline
    # baseline, arrival and treatment are written as ours: they pass through to the segment.
    return s
