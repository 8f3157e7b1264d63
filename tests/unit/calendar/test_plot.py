import subprocess
import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")

from plotsim_dbt.calendar import DummyModel  # noqa: E402
from plotsim_dbt.calendar.plot import plot_calendar, plot_component_distribution, plot_model_components  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_plot_by_row_grid(three_boxes, tmp_path):
    axes = three_boxes.cal.plot_by_row(max_cols=2)
    assert len(axes) == 3
    assert axes[0].get_title() == "Weekday mornings"
    # 2 x 2 grid with 3 panels: day labels on the lowest panel of each column, hours on the left
    assert [t.get_text() for t in axes[2].get_xticklabels()] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert [t.get_text() for t in axes[1].get_xticklabels()][0] == "Mon"
    assert {t.get_text() for t in axes[0].get_xticklabels()} == {""}
    assert {t.get_text() for t in axes[1].get_yticklabels()} == {""} and axes[2].get_yticklabels()[0].get_text() == "00:00"
    axes[0].figure.savefig(tmp_path / "rows.png")
    assert (tmp_path / "rows.png").stat().st_size > 0


def test_plot_model_components_titles(three_boxes):
    model = DummyModel.from_segments(three_boxes)
    axes = plot_model_components(model, max_cols=2)
    assert len(axes) == 3 and axes[2].get_title() == "Component 2: Weekend middays"
    assert len(plot_model_components(model, components=[1])) == 1
    plot_component_distribution(model)


def test_plot_calendar_layout():
    values = np.zeros(168)
    values[24 + 5] = 1.0  # Tuesday 05:00
    ax = plot_calendar(values)
    grid = ax.images[0].get_array()
    assert grid.shape == (24, 7) and grid[5, 1] == 1.0
    ax = plot_calendar(values, monday_start=False)
    assert ax.images[0].get_array()[5, 2] == 1.0
    with pytest.raises(ValueError):
        plot_calendar(np.zeros(10))


def test_series_plot_row_and_profile(three_boxes):
    assert three_boxes.iloc[0].cal.plot_row().get_title() == "Weekday mornings"
    model = DummyModel.from_segments(three_boxes)
    _, events = model.create_sampler(random_state=0).sample([20, 20])
    assert len(events.cal.plot_profile_by_row(model=model)) == 6  # data, components, predicted per row
    assert len(events.cal.plot_raw_and_predicted_by_row(model=model)) == 4


def test_importing_the_package_does_not_import_matplotlib_or_sklearn():
    code = "import sys, plotsim_dbt.calendar.slots, plotsim_dbt.calendar; print('matplotlib' in sys.modules, 'sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]
