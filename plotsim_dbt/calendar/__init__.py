"""Weekly calendars: 168 hour-of-week slots, time segments, a ``.cal`` pandas accessor, calendar
models (latent Dirichlet allocation) and a vectorised sampler of synthetic users.

``import plotsim_dbt.calendar`` registers the ``.cal`` accessor on pandas Series and DataFrames
and stays light: scikit-learn is imported on first use of a model class (``LatentCalendar``,
``DummyModel``, ``MarginalModel``, ``ConjugateModel``) or transformer (``RawToVocab``) and
matplotlib on first plot. See docs/calendar.md.

Conventions: day_of_week 0 = Monday ... 6 = Sunday; slot = day_of_week * 24 + hour (Monday 00:00
= 0); wide frames have the 168 slots as columns in FULL_VOCAB order; day and hour ranges are
start-inclusive, end-exclusive.
"""

from __future__ import annotations

from . import accessor as _accessor  # noqa: F401  (registers .cal)
from . import generate, segments, slots, vocab
from .generate import LatentCalendarSampler, sample_from_latent_calendar, wide_format_dataframe, wide_to_events
from .vocab import (
    DAY_LOOKUP,
    DAYS_IN_WEEK,
    EVEN_PROBABILITY,
    FULL_VOCAB,
    HOURS_IN_DAY,
    TIME_SLOTS,
    DOWHour,
    create_full_vocab,
)

_LAZY_MODELS = {"LatentCalendar", "DummyModel", "MarginalModel", "ConjugateModel", "joint_distribution"}
_LAZY_TRANSFORMERS = {"RawToVocab", "create_raw_to_vocab_transformer", "create_timestamp_feature_pipeline"}
_LAZY_MODULES = {"models", "plot", "transformers"}

__all__ = [
    "ConjugateModel",
    "DAY_LOOKUP",
    "DAYS_IN_WEEK",
    "DOWHour",
    "DummyModel",
    "EVEN_PROBABILITY",
    "FULL_VOCAB",
    "HOURS_IN_DAY",
    "LatentCalendar",
    "LatentCalendarSampler",
    "MarginalModel",
    "RawToVocab",
    "TIME_SLOTS",
    "create_full_vocab",
    "create_raw_to_vocab_transformer",
    "create_timestamp_feature_pipeline",
    "generate",
    "joint_distribution",
    "sample_from_latent_calendar",
    "segments",
    "slots",
    "vocab",
    "wide_format_dataframe",
    "wide_to_events",
]


def __getattr__(name: str):
    import importlib

    if name in _LAZY_MODELS:
        return getattr(importlib.import_module(".models", __name__), name)
    if name in _LAZY_TRANSFORMERS:
        return getattr(importlib.import_module(".transformers", __name__), name)
    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _LAZY_MODELS | _LAZY_TRANSFORMERS | _LAZY_MODULES)
