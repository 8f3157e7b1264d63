"""Config YAML, read strictly: a duplicated key is an error (PyYAML keeps the last one silently),
aliases may not expand past MAX_NODES values (a few hundred bytes of nested aliases can stand for
billions of them), and every problem is one line, ``file:line:column: what``."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from .errors import ConfigError

MAX_NODES = 1_000_000  # values once aliases are expanded; real configs hold a few thousand
_MERGE = "tag:yaml.org,2002:merge"


class _Refused(yaml.MarkedYAMLError):
    """Well-formed YAML that a config may not hold (a duplicate key, an alias bomb, a cycle)."""


class _StrictLoader(yaml.SafeLoader):
    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict:
        # Checked before merge keys (`<<: *base`) are flattened: overriding a merged key is allowed.
        lines: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = lines.get(key)
            except TypeError:  # an unhashable key: PyYAML's own error follows
                continue
            if first is not None:
                problem = f"duplicate key {key!r} (first on line {first}); keep one of them"
                raise _Refused(problem=problem, problem_mark=key_node.start_mark)
            lines[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


def _expanded_size(node: Node, sizes: dict[int, int | None]) -> int:
    """Values ``node`` stands for once every alias is copied out; shared nodes are counted once per use."""
    known = sizes.get(id(node), 0)
    if known is None:
        raise _Refused(problem="an alias refers to a value that contains it (a cycle)", problem_mark=node.start_mark)
    if known:
        return known
    sizes[id(node)] = None
    children: list[Node] = []
    if isinstance(node, SequenceNode):
        children = node.value
    elif isinstance(node, MappingNode):
        children = [part for pair in node.value for part in pair]
    total = 1
    for child in children:
        total += _expanded_size(child, sizes)
        if total > MAX_NODES:
            raise _Refused(
                problem=f"aliases expand to more than {MAX_NODES:,} values; write the values out or nest fewer aliases", problem_mark=node.start_mark
            )
    sizes[id(node)] = total
    return total


def _where(mark: yaml.Mark | None, name: str) -> str:
    return f"{name}:{mark.line + 1}:{mark.column + 1}" if mark is not None else name


def parse_yaml(text: str, name: str) -> Any:
    """The document in ``text`` (``name`` is the file, for messages), or one ConfigError line."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, {})
        return loader.construct_document(node)
    except _Refused as err:
        raise ConfigError("", f"{_where(err.problem_mark, name)}: {err.problem}") from None
    except yaml.MarkedYAMLError as err:
        context = f" ({err.context}, line {err.context_mark.line + 1})" if err.context and err.context_mark else ""
        raise ConfigError("", f"{_where(err.problem_mark, name)}: invalid YAML: {err.problem}{context}") from None
    except yaml.YAMLError as err:
        raise ConfigError("", f"{name}: invalid YAML: {' '.join(str(err).split())}") from None
    except RecursionError:
        raise ConfigError("", f"{name}: invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()
