"""Column kinds. Each module defines one kind family (config spec, plan and values) and registers
it; the import order below is the order type words are listed in messages and docs. A new kind is
a new module here plus its import line."""

from typing import Annotated, Any, Union

from pydantic import BeforeValidator, Discriminator, Tag

from . import (  # noqa: F401, I001  (registration order)
    codes,
    constants,
    date_columns,
    faker_methods,
    flag,
    geo,
    grains,
    keys,
    metrics,
    narrative,
    nested,
    periods,
    position,
    realistic,
    scd,
    segments,
    timestamps,
)
from .base import KINDS, CheckContext, ColumnPlan, ColumnSpec, kind_of, split_type, type_words, words_for


def _as_declared(data: Any) -> Any:
    """Accept ``{column_name: type, options...}`` as short for ``{name: ..., type: ..., options...}``;
    reject unknown type words with the list of known ones."""
    if isinstance(data, ColumnSpec):
        return data
    if not isinstance(data, dict):
        raise ValueError(f"write a column as {{column_name: type}} or {{name: ..., type: ...}}, got {data!r}")
    if "name" not in data and "type" not in data:
        options = {field for kind in KINDS.values() for field in kind.model_fields}
        unknown = [k for k in data if k not in options]
        if len(unknown) != 1:
            raise ValueError(
                f"write a column as {{column_name: type}} or {{name: ..., type: ...}}, got {data}; a column named like an "
                f"option ({', '.join(k for k in data if k in options)}) needs the long form"
            )
        data = {"name": unknown[0], "type": data[unknown[0]], **{k: v for k, v in data.items() if k != unknown[0]}}
    if "type" not in data:
        raise ValueError(f"type: column {data.get('name')!r} needs a type")
    kind_of(str(data["type"]))
    return data


def _tag(data: Any) -> str:
    kind = type(data) if isinstance(data, ColumnSpec) else kind_of(str(data["type"]))
    return f"column[{kind.__name__}]"


Column = Annotated[
    Union[tuple(Annotated[kind, Tag(f"column[{kind.__name__}]")] for kind in dict.fromkeys(KINDS.values()))],  # noqa: UP007
    Discriminator(_tag),
    BeforeValidator(_as_declared),
]

__all__ = ["KINDS", "CheckContext", "Column", "ColumnPlan", "ColumnSpec", "kind_of", "split_type", "type_words", "words_for"]
