"""Reference dialects: the reference generator's (plotsim 0.7) builder YAML and engine-direct
YAML, translated at load time into our one config model, so the engine has a single code path.

``translate(data)`` picks the dialect as the reference does (a top-level ``domain`` and no
``about`` is engine YAML; anything else is builder YAML, which shares its surface with our own
spelling and so also reads ours unchanged), rewrites it into our keys and records in a ``Trail``
where every translated field came from, so errors name the field as the user wrote it.

- builder.py, builder_tables.py: builder keys (``per``/``reference`` dimensions, flat event
  triggers, ``faker.*``...)
- engine.py, engine_entities.py, engine_tables.py, engine_columns.py: engine-direct YAML
  (``domain``, ``time_window``, ``archetypes`` with curve segments, ``entities``, ``tables`` with
  column sources)
- common.py: what both share (noise, output, manifest, locale, distribution parameters)
- dates.py: a declared dim_date; advice.py: the reference's soft warnings
- unsupported.py: the one table of reference features we do not build, by design (refused in one
  line naming the field and what to write instead); shapes.py, engine_shapes.py: input shapes

The mapping, key by key, is in docs/reference_dialects.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from .builder import translate_builder
from .common import Context
from .engine import translate_engine
from .trail import Trail


@dataclass(frozen=True)
class Translated:
    data: dict  # our spelling
    dialect: str  # "engine", or "builder" (builder YAML and our own spelling)
    trail: Trail


def dialect_of(data: dict) -> str:
    return "engine" if "domain" in data and "about" not in data else "builder"


def translate(data: dict) -> Translated:
    """Our spelling of a config written in either reference dialect (or ours); raises ConfigError
    for malformed input and for the features of unsupported.py."""
    ctx = Context()
    dialect = dialect_of(data)
    out = translate_engine(data, ctx) if dialect == "engine" else translate_builder(data, ctx)
    ctx.unsupported.raise_if_any()
    return Translated(out, dialect, ctx.trail)


__all__ = ["Translated", "dialect_of", "translate"]
