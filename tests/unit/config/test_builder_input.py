"""The reference generator's Python configs import their arrival and treatment blocks from
``plotsim.builder.input``; with ``plotsim`` swapped for ``plotsim_dbt`` those names exist and a block
given as an instance makes the same Config as the same block given as a dict."""

from __future__ import annotations

import plotsim_dbt as ps
from plotsim_dbt.builder.input import ExplicitArrival, LinearArrival, StepArrival, StepArrivalBlock, TreatmentConfig, UniformArrival


def _config(late, cohorts, spread, listed, split) -> ps.Config:
    return ps.create(
        about="arrivals given as objects",
        unit="member",
        window=("2024-01", "2024-10"),
        seed=9,
        metrics=[{"name": "visits", "type": "score"}],
        segments=[
            {"name": "late", "count": 6, "archetype": "growth", "arrival": late, "treatment": split},
            {"name": "cohorts", "count": 4, "archetype": "decline", "arrival": cohorts},
            {"name": "spread", "count": 4, "archetype": "flat", "arrival": spread},
            {"name": "listed", "count": 2, "archetype": "growth", "arrival": listed},
        ],
    )


def test_blocks_as_reference_objects_make_the_config_their_dicts_make():
    as_dicts = _config(
        {"kind": "linear", "start": 1, "end": 7, "direction": "decreasing"},
        {"kind": "step", "blocks": [{"period": 0, "fraction": 0.5}, {"period": 3, "fraction": 0.5}]},
        {"kind": "uniform", "start": 2},
        {"kind": "explicit", "start_periods": [0, 4]},
        {"fraction": 0.5, "lift_log_odds": 0.4, "start_period": 5, "treatment_label": "new", "control_label": "old"},
    )
    as_objects = _config(
        LinearArrival(kind="linear", start=1, end=7, direction="decreasing"),
        StepArrival(kind="step", blocks=[StepArrivalBlock(period=0, fraction=0.5), StepArrivalBlock(period=3, fraction=0.5)]),
        UniformArrival(kind="uniform", start=2),
        ExplicitArrival(kind="explicit", start_periods=[0, 4]),
        TreatmentConfig(fraction=0.5, lift_log_odds=0.4, start_period=5, treatment_label="new", control_label="old"),
    )
    assert as_objects == as_dicts
    tables = ps.generate_tables(as_objects)
    assert ps.validate(as_objects, tables).ok
