"""The bundled templates generate exactly the pinned data (tests/data/golden_digests.json)."""

from __future__ import annotations

import importlib.metadata
import json

import pytest
from goldens import GOLDEN_FILE, TEMPLATES, faker_columns, warehouse_digests

GOLDEN = json.loads(GOLDEN_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("template", TEMPLATES)
def test_template_tables_match_their_golden_digests(template):
    expected = GOLDEN["templates"][template]
    actual = warehouse_digests(template)
    assert sorted(actual) == sorted(expected), "tables added or removed: update the goldens deliberately"
    same_faker = importlib.metadata.version("faker") == GOLDEN["faker"]
    skip = set() if same_faker else faker_columns(template)
    moved = [
        f"{table}.{column}"
        for table in expected
        for column in expected[table]["columns"]
        if (table, column) not in skip and actual[table]["columns"].get(column) != expected[table]["columns"][column]
    ]
    rows = {t: (actual[t]["rows"], expected[t]["rows"]) for t in expected if actual[t]["rows"] != expected[t]["rows"]}
    assert not rows, f"row counts changed (actual, golden): {rows}"
    assert not moved, f"data changed in {', '.join(moved)}; if deliberate, run `python tests/determinism/goldens.py` and say why in CHANGELOG.md"
    for table in expected:
        assert list(actual[table]["columns"]) == list(expected[table]["columns"]), f"{table}: columns or their order changed"
