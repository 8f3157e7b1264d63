"""The reference generator's quality forms (builder `quality: [{issue: ...}]`, engine
`quality: {quality_issues: [...]}`) translate to our list, generate their faults (on facts of any
grain) and validate."""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc
import pytest

from plotsim_dbt.api import generate_arrow, validate
from plotsim_dbt.config import load_config

DATA = Path(__file__).resolve().parents[2] / "data" / "reference_dialect" / "quality"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("builder_quality_null_injection.yaml", [("null_injection", "visits", None, ())]),
        ("builder_quality_volume_anomaly.yaml", [("volume_anomaly", None, "spike", (3, 4))]),
        (
            "engine_quality.yaml",
            [("duplicate_rows", None, None, ()), ("volume_anomaly", None, "drop", (4,)), ("volume_anomaly", None, "spike", (6, 7))],
        ),
        (
            "builder_quality_grain_facts.yaml",
            [("late_arrival", None, None, ()), ("volume_anomaly", None, "drop", (3,)), ("duplicate_rows", None, None, ())],
        ),
    ],
)
def test_reference_forms_translate_and_inject(name, expected):
    config = load_config(DATA / name)
    assert [(q.issue, q.column, q.mode, q.at_periods) for q in config.quality] == expected
    tables, state = generate_arrow(config)
    faults = state.truth["truth_quality_faults"]
    # the fixtures have 8 entities: some fault hits rows, and only the declared kinds appear
    assert faults.num_rows > 0 and set(pc.unique(faults["issue"]).to_pylist()) <= {e[0] for e in expected}
    assert validate(config, tables).ok
