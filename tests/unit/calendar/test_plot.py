import subprocess
import sys

import numpy as np
import pandas as pd
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


def _ink(figure, path) -> float:
    """Share of non-white pixels of the figure rendered to PNG."""
    import matplotlib.image as mpimg

    figure.savefig(path, dpi=60)
    rgb = mpimg.imread(path)[..., :3]
    assert rgb.std() > 0  # not a single flat colour
    return float((rgb.min(axis=2) < 0.95).mean())


@pytest.fixture
def blank_ink(tmp_path):
    from plotsim_dbt.calendar.plot import plot_blank_calendar

    return _ink(plot_blank_calendar(grid_lines=False).figure, tmp_path / "blank.png")


def test_every_plot_renders_to_a_non_blank_png(three_boxes, tmp_path, blank_ink):
    from plotsim_dbt.calendar import plot as cp
    from plotsim_dbt.calendar.generate import wide_to_events

    model = DummyModel.from_segments(three_boxes)
    _, events = model.create_sampler(random_state=0).sample([30, 40])
    train, holdout = events, model.create_sampler(random_state=1).sample([30, 40])[1]
    long = wide_to_events(events, random_state=0)
    figures = {
        "calendar": cp.plot_calendar(three_boxes.iloc[0].to_numpy()).figure,
        "series": three_boxes.iloc[1].cal.plot_row().figure,
        "events": long.cal.plot("timestamp", duration=60).figure,
        "series_events": long["timestamp"].cal.plot(duration=60).figure,
        "by_row": three_boxes.cal.plot_by_row()[0].figure,
        "across_column": long.cal.plot_across_column("timestamp", "id")[0].figure,
        "components": cp.plot_model_components(model)[0].figure,
        "profile": events.cal.plot_profile_by_row(model=model)[0].figure,
        "raw_and_predicted": events.cal.plot_raw_and_predicted_by_row(model=model)[0].figure,
        "model_predictions": train.cal.plot_model_predictions_by_row(holdout, model=model)[0].figure,
        "distribution": cp.plot_component_distribution(model).figure,
    }
    for name, figure in figures.items():
        # a blank calendar has only labels and a frame; every plot must add real ink beyond that
        assert _ink(figure, tmp_path / f"{name}.png") > blank_ink + 0.02, name


def test_blank_calendar_and_element_settings(tmp_path, blank_ink):
    from plotsim_dbt.calendar.plot import DayLabeler, DisplaySettings, GridLines, TimeLabeler, plot_blank_calendar

    ax = plot_blank_calendar(day_labeler=DayLabeler(day_start=6), time_labeler=TimeLabeler(stride=4))
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["Sun", "Mon"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["00:00", "04:00", "08:00", "12:00", "16:00", "20:00", "24:00"]
    assert len(ax.get_lines()) == 6 + 23  # default blank grid: day and hour lines
    assert _ink(ax.figure, tmp_path / "lined.png") > blank_ink  # the lines are drawn
    ax = plot_blank_calendar(grid_lines=GridLines(dow=True), display_settings=DisplaySettings(x=False, y=True))
    assert len(ax.get_lines()) == 6 and {t.get_text() for t in ax.get_xticklabels()} == {""}
    assert plot_blank_calendar(monday_start=False).get_xticklabels()[0].get_text() == "Sun"
    with pytest.raises(ValueError):
        DayLabeler(day_start=7)
    with pytest.raises(ValueError):
        TimeLabeler(stride=0)
    with pytest.raises(ValueError):
        GridLines(alpha=2)


def test_calendar_blocks_split_at_midnight_and_bad_shapes():
    from plotsim_dbt.calendar.plot import CalendarData, CalendarFormatError, plot_calendar_by_row, plot_model_components

    ax = plot_calendar([CalendarData(day=6, start=23, end=25)])  # Sunday 23:00 -> Monday 01:00
    boxes = sorted((p.get_x(), p.get_y(), p.get_height()) for p in ax.patches)
    assert boxes == [(0, 0.0, 1.0), (6, 23, 1)]
    with pytest.raises(CalendarFormatError):
        plot_calendar_by_row(pd.DataFrame(np.ones((2, 10))))
    assert issubclass(CalendarFormatError, ValueError)
    with pytest.raises(ValueError):
        plot_model_components(DummyModel.create(), components=[3])
