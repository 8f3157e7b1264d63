"""Config YAML is read strictly: one line with file:line:column for a syntax error, duplicate keys
refused, alias expansion bounded."""

from __future__ import annotations

import time

import pytest

import plotsim_dbt as ps

VALID = """about: yaml
unit: shop
window: ["2024-01", "2024-06"]
metrics: [{name: sales, type: amount, range: [1, 100]}]
segments: [{name: s, count: 5, archetype: growth}, {name: t, count: 5, archetype: decline}]
"""


def load_error(tmp_path, text: str) -> str:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ps.ConfigError) as info:
        ps.create_from_yaml(path)
    return str(info.value)


def test_a_syntax_error_is_one_line_with_file_line_and_column(tmp_path):
    message = load_error(tmp_path, VALID + "seed: [4\nnoise: 1\n")
    assert message.startswith(f"{tmp_path / 'c.yaml'}:7:6: invalid YAML: ")
    assert "\n" not in message and "<unicode string>" not in message


def test_a_duplicate_key_names_the_key_and_both_lines(tmp_path):
    message = load_error(tmp_path, VALID + "seed: 1\nseed: 2\n")
    assert message == f"{tmp_path / 'c.yaml'}:7:1: duplicate key 'seed' (first on line 6); keep one of them"
    nested = load_error(tmp_path, VALID.replace("range: [1, 100]", "range: [1, 100], type: count"))
    assert "duplicate key 'type'" in nested and ":4:" in nested


def test_a_merged_key_may_be_overridden(tmp_path):
    path = tmp_path / "c.yaml"
    segments = "[{<<: &seg {count: 5, archetype: growth}, name: s}, {<<: *seg, name: t, archetype: decline}]"
    path.write_text(VALID.replace("[{name: s, count: 5, archetype: growth}, {name: t, count: 5, archetype: decline}]", segments))
    assert [s.archetype for s in ps.create_from_yaml(path).segments] == ["growth", "decline"]


def test_an_alias_bomb_is_refused_at_once(tmp_path):
    levels = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9))
    bomb = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + levels
    started = time.perf_counter()
    message = load_error(
        tmp_path,
        VALID.replace('window: ["2024-01", "2024-06"]', "window: {start: *l8, end: 2024-06}").replace("about: yaml\n", "about: yaml\n" + bomb),
    )
    assert time.perf_counter() - started < 2
    assert "aliases expand to more than" in message and "\n" not in message


def test_a_recursive_alias_is_refused(tmp_path):
    assert "contains it (a cycle)" in load_error(tmp_path, VALID + "extra: &a [*a]\n")


def test_a_valid_file_with_aliases_still_loads(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(
        VALID.replace(
            "[{name: s, count: 5, archetype: growth}, {name: t, count: 5, archetype: decline}]",
            "[{name: s, count: &n 5, archetype: growth}, {name: t, count: *n, archetype: decline}]",
        )
    )
    assert [s.count for s in ps.create_from_yaml(path).segments] == [5, 5]
