import matplotlib
import pytest

matplotlib.use("Agg")

import plotsim_dbt.calendar  # noqa: E402,F401  (registers .cal)
from plotsim_dbt.calendar.segments import create_box_segment, stack_segments  # noqa: E402


@pytest.fixture
def mornings_evenings():
    return stack_segments(
        [
            create_box_segment(0, 5, 7, 10, name="Mornings"),  # 15 slots
            create_box_segment(0, 5, 18, 22, name="Evenings"),  # 20 slots
        ]
    )


@pytest.fixture
def three_boxes():
    return stack_segments(
        [
            create_box_segment(0, 5, 7, 10, name="Weekday mornings"),
            create_box_segment(0, 5, 18, 22, name="Weekday evenings"),
            create_box_segment(5, 7, 10, 16, name="Weekend middays"),
        ]
    )
