"""The one error type for bad configuration, always naming the field at fault."""

from __future__ import annotations

import re
from collections.abc import Callable

from pydantic import ValidationError

from .base import IDENTIFIER_PATTERN, MAX_IDENTIFIER

# Validators that check a sub-field prefix their message with its path, e.g. "range: ...".
_FIELD_PREFIX = re.compile(r"^([A-Za-z_][\w.]*): (.+)$", re.S)


class ConfigError(ValueError):
    """A configuration problem. ``field`` is a dotted path such as ``metrics.1.range``."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


_UNION_MEMBERS = {"str", "int", "float", "bool"}  # pydantic's tags for the members of a scalar union


def _path(loc: tuple) -> str:
    # Pydantic adds union members and validator names to the location; users want the key path.
    if loc and loc[-1] in _UNION_MEMBERS:
        loc = loc[:-1]
    return ".".join(str(p) for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))


def from_validation_error(err: ValidationError, rename: Callable[[str], str] | None = None) -> ConfigError:
    """Turn pydantic's report into one ConfigError: the first problem, plus a count of the others.
    ``rename`` maps a field path of the validated data to the one the user wrote (dialects)."""
    rename = rename or (lambda path: path)
    problems = err.errors(include_url=False)
    # A NaN offered to a union fails every member; the finite-number complaint is the one that helps.
    problems.sort(key=lambda p: p["type"] != "finite_number")
    first = problems[0]
    field = _path(first["loc"])
    problems = [first, *(p for p in problems[1:] if not field.startswith(_path(p["loc"])))]  # the union's other members
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown key; check the spelling (`plotsim-dbt schema` lists every key)"
    elif first["type"] == "missing":
        message = "required key is missing"
    elif first["type"] == "string_pattern_mismatch" and first["ctx"]["pattern"] == IDENTIFIER_PATTERN:
        message = (
            f"{first['input']!r} is not a valid name: use letters, digits and underscores, starting with a letter "
            f"or underscore, at most {MAX_IDENTIFIER} characters"
        )
    elif first["type"] == "finite_number":
        message = f"give a finite number; NaN and infinity are not accepted (got {first['input']!r})"
    else:
        prefixed = _FIELD_PREFIX.match(message)
        if prefixed:
            field = ".".join(filter(None, (field, prefixed.group(1))))
            message = prefixed.group(2)
    if len(problems) > 1:
        others = ", ".join(rename(_path(p["loc"])) or "(top level)" for p in problems[1:4])
        message += f" (and {len(problems) - 1} more problem(s): {others})"
    return ConfigError(rename(field), message)
