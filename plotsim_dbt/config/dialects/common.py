"""Pieces both reference dialects share: the translation context, and the keys spelled the same
way in builder and engine YAML (noise, output, manifest, locale) plus the reference's
distribution parameters, mapped onto ours.

Distribution families (reference -> ours; every family of ours is a quantile map around the
cell's centre, see docs/concepts.md):

- lognorm {s, loc, scale} -> lognormal {s}; the reference's centre spans [loc, loc + scale]
- normal {sigma, mu} -> normal {sigma}; centre spans [0, mu]
- beta {alpha, beta, scale} -> beta {concentration: alpha + beta}; centre spans [0, scale]
  (the value range when one is given)
- gamma {shape, scale} -> gamma {shape}; centre spans [0, shape x scale]
- poisson {lambda} -> poisson; centre spans [0, lambda]
- weibull {shape, scale} -> weibull {shape}; centre spans [0, scale]

Our metric has one range for both the centre's span and the clamp; the engine dialect uses the
reference's ``value_range`` when given, else the span above (see docs/reference_dialects.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError
from .trail import Trail
from .unsupported import Unsupported

REALISTIC = ("name", "first_name", "last_name", "email", "company", "city", "country")
OUTPUT_FORMATS = ("csv", "parquet", "jsonl", "sql", "duckdb")


@dataclass
class Context:
    """One translation: where our fields came from, and the unsupported features found."""

    trail: Trail = field(default_factory=Trail)
    unsupported: Unsupported = field(default_factory=Unsupported)


def faker_column(spec: str, where: str) -> dict:
    """Our type (and args) for the reference's ``faker.<method>[:key:value]*``: the seven realistic
    methods without arguments become our vectorised kinds, any other a ``faker.<method>`` column."""
    method, *pairs = spec.removeprefix("faker.").split(":")
    keys = pairs[0::2]
    if len(pairs) % 2 or len(set(keys)) != len(keys):
        raise ConfigError(where, f"write Faker arguments as faker.<method>:<key>:<value>, each key once, got {spec!r}")
    if method in REALISTIC and not pairs:
        return {"type": method}
    return {"type": f"faker.{method}", **({"args": dict(zip(keys, pairs[1::2]))} if pairs else {})}


def listed(value: Any) -> list:
    """A list the translation walks; anything else walks as empty and is left for the config model
    to refuse with its field (a number where a list belongs is the user's to fix, not a crash)."""
    return value if isinstance(value, list) else []


def join(*parts: object) -> str:
    return ".".join(str(p) for p in parts if p != "")


def declared(metric: Any, metrics: list, path: str) -> None:
    """A metric name the config must declare (None: not given)."""
    if metric is not None and metric not in metrics:
        raise ConfigError(path, f"{metric!r} is not a declared metric")


# name -> (our family, required, optional parameters with the reference's defaults)
FAMILIES: dict[str, tuple[str, tuple[str, ...], dict[str, float]]] = {
    "lognorm": ("lognormal", ("s",), {"loc": 0.0, "scale": 1.0}),
    "normal": ("normal", ("sigma",), {"mu": 0.0}),
    "beta": ("beta", ("alpha", "beta"), {"scale": 1.0}),
    "gamma": ("gamma", ("shape",), {"scale": 1.0}),
    "poisson": ("poisson", (), {"lambda": 1.0}),
    "weibull": ("weibull", ("shape",), {"scale": 1.0}),
}


def reference_params(family: str, params: dict, path: str, builder: bool) -> tuple[str, dict, tuple[float, float]]:
    """(our family, our parameters, the span the reference's centre moves across) for a family
    and parameters written the reference's way. The builder accepts only the shape parameters
    (and beta's scale); the engine also the location ones."""
    ours, required, optional = FAMILIES[family]
    if builder:
        optional = {"scale": 1.0} if family == "beta" else {}
    allowed = (*required, *optional)
    for key, value in params.items():
        if key not in allowed:
            raise ConfigError(join(path, key), f"{family} takes {', '.join(allowed) or 'no parameters'}, not {key!r}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(join(path, key), f"{family} parameter {key} must be a number, got {value!r}")
    missing = [k for k in required if k not in params]
    if missing:
        raise ConfigError(path, f"{family} needs {', '.join(required)}; missing {', '.join(missing)}")
    p = {**optional, **params}
    if family == "lognorm":
        return ours, {"s": p["s"]}, (p["loc"], p["loc"] + p["scale"])
    if family == "normal":
        return ours, {"sigma": p["sigma"]}, (0.0, p["mu"])
    if family == "beta":
        return ours, {"concentration": p["alpha"] + p["beta"]}, (0.0, p["scale"])
    if family == "gamma":
        return ours, {"shape": p["shape"]}, (0.0, p["shape"] * p["scale"])
    if family == "poisson":
        return ours, {}, (0.0, p["lambda"])
    return ours, {"shape": p["shape"]}, (0.0, p["scale"])


def translate_noise(value: Any, path: str, ctx: Context) -> Any:
    """{gaussian_sigma, outlier_rate, mcar_rate, scale_with_trajectory, noise_family,
    degrees_of_freedom} -> ours (``family``); presets pass through."""
    if not isinstance(value, dict):
        return value
    value = dict(value)
    if "noise_family" in value:
        if "family" in value:
            raise ConfigError(join(path, "noise_family"), "give noise_family or family, not both")
        value["family"] = value.pop("noise_family")
        ctx.trail.note(join(path, "family"), join(path, "noise_family"))
    if value.get("degrees_of_freedom", 0) is None:
        del value["degrees_of_freedom"]
    return value


def translate_output(value: Any, path: str, ctx: Context) -> Any:
    """Output format word or {format, directory, cell_budget, denormalized, partition_by,
    sql_dialect} -> ours {format, directory, denormalized, partition_by, sql_dialect}. cell_budget has no meaning
    here: we stream and cap nothing (DESIGN.md section 9)."""
    if isinstance(value, str):
        return {"format": value.strip().lower()}
    if not isinstance(value, dict):
        return value
    value = dict(value)
    if isinstance(value.get("format"), str):
        value["format"] = value["format"].strip().lower()
    value.pop("cell_budget", None)
    if value.get("partition_by", 0) is None:
        del value["partition_by"]
    dialect = value.get("sql_dialect", "postgresql")
    if dialect not in ("postgresql", "mysql", "sqlite"):
        raise ConfigError(join(path, "sql_dialect"), f"unknown SQL dialect {dialect!r}; the reference knows postgresql, mysql, sqlite")
    if dialect == "postgresql" and value.get("format") != "sql":
        value.pop("sql_dialect", None)  # the reference writes its default dialect beside any format
    return value


def check_manifest(value: Any, path: str) -> None:
    """{include=true, trajectory_sample_rate=1}: our runs always write manifest.json."""
    if value is None:
        return
    if not isinstance(value, dict):
        raise ConfigError(path, f"write manifest as {{include: true}}, got {value!r}")
    unknown = set(value) - {"include", "trajectory_sample_rate"}
    if unknown:
        raise ConfigError(join(path, sorted(unknown)[0]), "unknown key; manifest takes include (and trajectory_sample_rate in engine YAML)")
    if value.get("include", True) is not True:
        raise ConfigError(
            join(path, "include"), "plotsim_dbt always writes manifest.json (the run's answer key); remove the key or set include: true"
        )
    rate = value.get("trajectory_sample_rate", 1.0)
    if rate != 1.0:
        raise ConfigError(
            join(path, "trajectory_sample_rate"),
            "the manifest's sample rate is an argument of build_manifest(..., sample_rate=r), "
            "not a config key (by default every entity is sampled up to 20,000 cells); remove it or set it to 1",
        )


def translate_locale(value: Any, path: str, ctx: Context) -> Any:
    """A locale string; a list of one is that locale, a longer list stays a list (each entity gets one)."""
    if isinstance(value, list):
        if not value:
            raise ConfigError(path, "give a locale such as en_US")
        return value[0] if len(value) == 1 else value
    return value


NESTED_TYPES = {"string": "string", "str": "string", "int": "int", "integer": "int", "float": "float", "bool": "bool", "boolean": "bool"}


def translate_nested(kind: str, spec: dict, path: str, ours: str, ctx: Context) -> dict:
    """The reference's ``struct`` + ``nested_schema`` / ``array`` + ``array_element_type`` and
    ``array_length`` (checked by shapes.Nested) as our ``fields`` / ``element`` and ``length``."""

    def primitive(value: Any, where: str) -> str:
        if str(value) not in NESTED_TYPES:
            raise ConfigError(where, f"a nested value is string, int, float or bool, not {value!r}")
        return NESTED_TYPES[str(value)]

    if kind == "struct":
        schema = spec.get("nested_schema")
        if not isinstance(schema, dict):
            raise ConfigError(join(path, "nested_schema"), "a struct column needs nested_schema {field: type}")
        ctx.trail.note(join(ours, "fields"), join(path, "nested_schema"))
        return {"type": "struct", "fields": {k: primitive(v, join(path, "nested_schema", k)) for k, v in schema.items()}}
    out = {"type": "array", "element": primitive(spec.get("array_element_type") or "string", join(path, "array_element_type"))}
    ctx.trail.note(join(ours, "element"), join(path, "array_element_type"))
    if spec.get("array_length") is not None:
        out["length"] = spec["array_length"]
        ctx.trail.note(join(ours, "length"), join(path, "array_length"))
    return out
