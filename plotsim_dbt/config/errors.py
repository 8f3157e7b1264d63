"""The one error type for bad configuration, always naming the field at fault."""

from __future__ import annotations

import re
from collections.abc import Callable

from pydantic import ValidationError

# Validators that check a sub-field prefix their message with its path, e.g. "range: ...".
_FIELD_PREFIX = re.compile(r"^([A-Za-z_][\w.]*): (.+)$", re.S)


class ConfigError(ValueError):
    """A configuration problem. ``field`` is a dotted path such as ``metrics.1.range``."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


def _path(loc: tuple) -> str:
    # Pydantic adds union members and validator names to the location; users want the key path.
    return ".".join(str(p) for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))


def from_validation_error(err: ValidationError, rename: Callable[[str], str] | None = None) -> ConfigError:
    """Turn pydantic's report into one ConfigError: the first problem, plus a count of the others.
    ``rename`` maps a field path of the validated data to the one the user wrote (dialects)."""
    rename = rename or (lambda path: path)
    problems = err.errors(include_url=False)
    first = problems[0]
    field = _path(first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown key; check the spelling (`plotsim-dbt schema` lists every key)"
    elif first["type"] == "missing":
        message = "required key is missing"
    else:
        prefixed = _FIELD_PREFIX.match(message)
        if prefixed:
            field = ".".join(filter(None, (field, prefixed.group(1))))
            message = prefixed.group(2)
    if len(problems) > 1:
        others = ", ".join(rename(_path(p["loc"])) or "(top level)" for p in problems[1:4])
        message += f" (and {len(problems) - 1} more problem(s): {others})"
    return ConfigError(rename(field), message)
