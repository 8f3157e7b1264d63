"""``faker.<method>`` (+ ``args: {key: value}``): values from a real Faker method, for an allowlist
of text, number, boolean and date methods (``faker.job``, ``faker.iban``,
``faker.date_between`` ...) plus two built-ins, ``faker.industry`` and ``faker.year``.

Unlike the seven vectorised kinds (columns/realistic.py), every value is a Python call, so these
columns cost far more per row (docs/limitations.md). Determinism: Faker draws from its own
``random.Random``; each (locale, table, column) has one Faker instance, re-seeded at the start of
every key block from ``stream(seed, COLUMNS, key_block, name_key(table, column))`` (one seed per
locale), then called for that key block's rows in order. A runner block starts on a key-block
boundary, so the values do not depend on block size or worker count. Reference tables, which
have no entities, are one key block (0). Methods that read the clock, files or the seed are never
allowed; ``date_between`` must be given both of its dates.
"""

from __future__ import annotations

import difflib
import fnmatch
import inspect
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import numpy as np
import pyarrow as pa
from pydantic import Field, field_validator, model_validator

from ..engine.locales import row_locales
from ..engine.streams import Purpose, key_blocks, name_key, stream
from .base import ArgumentColumn, CheckContext, ColumnPlan, register

MAX_ARGS = 20
MAX_ARG_CHARS = 4096
INT64 = 2**63

INDUSTRIES = (
    "Agriculture", "Construction", "Education", "Energy", "Financial Services", "Healthcare",
    "Hospitality", "Manufacturing", "Media", "Real Estate", "Retail", "Technology",
)  # fmt: skip
YEARS = (1950, 2020)

# method -> the Python type it returns, which decides the column's Arrow type.
_STR = (
    "address", "street_address", "street_name", "building_number", "secondary_address", "postcode", "state", "state_abbr",
    "country_code", "phone_number", "country_calling_code", "job", "catch_phrase", "bs", "company_email", "prefix", "suffix",
    "first_name_male", "first_name_female", "name_male", "name_female", "user_name", "email", "safe_email", "free_email",
    "domain_name", "hostname", "url", "slug", "ipv4", "ipv6", "mac_address", "password", "uuid4", "md5", "sha256", "iban",
    "bban", "swift", "ssn", "credit_card_number", "credit_card_provider", "currency_code", "currency_name", "ean13", "isbn10",
    "isbn13", "license_plate", "color_name", "hex_color", "language_name", "word", "sentence", "paragraph", "numerify",
    "bothify", "industry",
)  # fmt: skip
METHODS: dict[str, type] = {
    **dict.fromkeys(_STR, str),
    **dict.fromkeys(("pyint", "random_int", "random_digit", "year"), int),
    "pyfloat": float,
    **dict.fromkeys(("pybool", "boolean"), bool),
    "date_between": date,
}
ARROW = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_(), date: pa.date32()}

# Methods whose defaults count from today: allowed only with these arguments given as dates.
PINNED_DATES = {"date_between": ("start_date", "end_date")}

# Never allowed, whatever the allowlist says: why -> name patterns.
DENIED = {
    "it reseeds Faker, which the engine does per key block": ("seed*",),
    "it calls other methods by name": ("format", "parse", "pystr_format", "set_*", "get_*", "del_*", "add_*", "provider*", "unique", "optional"),
    "it makes files or binary data": ("binary", "zip", "tar", "image", "json*", "csv", "tsv", "psv", "dsv", "xml", "fixed_width", "file_*", "unix_*"),
    "it reads the current time, so the data would change from day to day": (
        "date", "date_time*", "date_this_*", "date_of_birth", "past_*", "future_*", "time*", "iso8601", "credit_card_expire",
        "am_pm", "century", "day_of_*", "month*",
    ),
}  # fmt: skip

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^[+-]?\d+$")

ArgValue = bool | int | float | date | str


def denied(method: str) -> str | None:
    """Why a method is never allowed (None: not denied)."""
    return next((why for why, patterns in DENIED.items() if any(fnmatch.fnmatchcase(method, p) for p in patterns)), None)


def coerce(value: Any) -> Any:
    """An argument as Faker gets it: ``YYYY-MM-DD`` text is a date, integer text an int."""
    if isinstance(value, str) and _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, str) and _INTEGER.match(value):
        return int(value)
    return value


def _denial(method: str, column: str) -> str | None:
    """The message refusing ``faker.<method>`` for a column, or None when it is allowed."""
    why = denied(method)
    if why is not None:
        return f"column {column!r}: faker.{method} is never allowed: {why}"
    if method not in METHODS:
        close = difflib.get_close_matches(method, METHODS, n=4, cutoff=0.6)
        hint = f"did you mean {', '.join('faker.' + m for m in close)}?" if close else "docs/schema.md lists the allowed methods"
        return f"column {column!r}: faker.{method} is not an allowed Faker method; {hint}"
    return None


def _bad_arguments(method: str, args: dict[str, Any], column: str, err: TypeError) -> str:
    """Why Faker refused the arguments: the unknown ones with their close matches, else Faker's words."""
    accepted = [p for p in inspect.signature(getattr(_instance("en_US", "", ""), method)).parameters if p not in ("args", "kwargs")]
    unknown = [k for k in args if k not in accepted]
    takes = f"it takes {', '.join(accepted)}" if accepted else "it takes no arguments"
    if not unknown:
        return f"column {column!r}: faker.{method} refuses these arguments ({err}); {takes}"
    close = difflib.get_close_matches(unknown[0], accepted, n=3, cutoff=0.4)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return f"column {column!r}: faker.{method} has no argument {unknown[0]!r}{hint}; {takes}"


class _Extras:
    """The two built-in methods, added to every Faker instance (a Faker provider: its public
    methods become the generator's)."""

    def __init__(self, generator: Any):
        self.generator = generator

    def industry(self) -> str:
        return self.generator.random.choice(INDUSTRIES)

    def year(self) -> int:
        return self.generator.random.randint(*YEARS)


@cache
def _instance(locale: str, table: str, column: str) -> Any:
    """The Faker instance of one column in one locale (made once per process: ~0.1 s each)."""
    from faker import Faker  # imported late: loading every provider takes a while

    fake = Faker(locale)
    fake.add_provider(_Extras)  # replaces Faker's own year(), which returns text
    return fake


def trial(method: str, args: dict[str, Any], locale: str) -> Any:
    """One call of the method with the column's arguments, on a throwaway seeded instance."""
    fake = _instance(locale, "", "")
    fake.seed_instance(0)
    return getattr(fake, method)(**args)


def method_values(plan: FakerPlan, seed: int, table: str, rows, locale_of_row: np.ndarray) -> list:
    """The column's values for a block's rows (grouped by entity, in order), key block by key block."""
    out: list = [None] * len(rows)
    ends = np.concatenate([[0], np.cumsum(rows.per_entity)])
    args = dict(plan.args)
    for key_block, first, last in key_blocks(rows.start, rows.start + len(rows.per_entity)):
        low, high = int(ends[first - rows.start]), int(ends[last - rows.start])
        if low == high:
            continue
        seeds = stream(seed, Purpose.COLUMNS, key_block, name_key(table, plan.name)).integers(0, INT64, size=len(plan.locales))
        for k, locale in enumerate(plan.locales):
            fake = _instance(locale, table, plan.name)
            fake.seed_instance(int(seeds[k]))
            call = getattr(fake, plan.method)
            for i in low + np.flatnonzero(locale_of_row[low:high] == k):
                out[i] = call(**args)
    return out


@dataclass(frozen=True)
class FakerPlan(ColumnPlan):
    method: str = ""
    args: tuple[tuple[str, Any], ...] = ()
    locales: tuple[str, ...] = ("en_US",)

    def values(self, block, rows) -> pa.Array:
        return pa.array(method_values(self, block.plan.seed, rows.table, rows, row_locales(block, rows)), self.type)


@register
class FakerColumn(ArgumentColumn):
    method: str
    args: dict[str, ArgValue] = Field(
        default_factory=dict,
        description=f"faker.<method>: keyword arguments of the Faker method (at most {MAX_ARGS}); YYYY-MM-DD text is a date, integer text an int.",
    )
    words = ("faker",)
    roles = frozenset({"entity", "reference", "sub_entity", "period", "fact", "event", "bridge"})
    argument_hint = "<method>"
    argument_field = "method"
    example = "job"

    @field_validator("args", mode="before")
    @classmethod
    def _coerced(cls, args: Any) -> Any:
        return {k: coerce(v) for k, v in args.items()} if isinstance(args, dict) else args

    @model_validator(mode="after")
    def _allowed(self) -> FakerColumn:
        refused = _denial(self.method, self.name)
        if refused is not None:
            raise ValueError(f"type: {refused}")
        if len(self.args) > MAX_ARGS:
            raise ValueError(f"args: column {self.name!r} gives {len(self.args)} Faker arguments; at most {MAX_ARGS}")
        for key, value in self.args.items():
            if isinstance(value, str) and len(value) > MAX_ARG_CHARS:
                raise ValueError(f"args.{key}: column {self.name!r}: an argument is at most {MAX_ARG_CHARS} characters, got {len(value)}")
            if isinstance(value, int) and not -INT64 <= value < INT64:
                raise ValueError(f"args.{key}: column {self.name!r}: {value} does not fit a 64-bit integer")
        for key in PINNED_DATES.get(self.method, ()):
            if not isinstance(self.args.get(key), date):
                raise ValueError(
                    f"args.{key}: column {self.name!r}: faker.{self.method} needs {' and '.join(PINNED_DATES[self.method])} as dates "
                    "(YYYY-MM-DD); its defaults count from today, so the data would change from day to day"
                )
        return self

    def check(self, ctx: CheckContext) -> None:
        expected = METHODS[self.method]
        for locale in ctx.locales or ("en_US",):
            try:
                value = trial(self.method, self.args, locale)
            except AttributeError:
                raise ValueError(
                    f"{ctx.path}.type: column {self.name!r}: faker.{self.method} has no data for locale {locale}; pick another method or locale"
                ) from None
            except TypeError as err:
                raise ValueError(f"{ctx.path}.args: {_bad_arguments(self.method, self.args, self.name, err)}") from None
            except ValueError as err:
                raise ValueError(f"{ctx.path}.args: column {self.name!r}: faker.{self.method} refuses these arguments ({err})") from None
            if type(value) is not expected:
                raise ValueError(
                    f"{ctx.path}.args: column {self.name!r}: faker.{self.method} returned {type(value).__name__}, "
                    f"not {expected.__name__}, with these arguments"
                )

    def resolve(self, ctx: Any) -> FakerPlan:
        shown = ", ".join(f"{k}={v}" for k, v in self.args.items())
        text = self.description or f"Faker {self.method}({shown}) in the row's locale."
        return FakerPlan(
            self.name,
            ARROW[METHODS[self.method]],
            text,
            not_null=True,
            accepted_values=INDUSTRIES if self.method == "industry" else None,
            method=self.method,
            args=tuple(self.args.items()),
            locales=ctx.locales,
        )
