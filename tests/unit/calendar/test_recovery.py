"""Sample 2,000 users x 50 events from a known 3-component model and recover it with LDA."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from plotsim_dbt.calendar import DummyModel, LatentCalendar


def _cosine(a, b):
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return a @ b.T


@pytest.fixture(scope="module")
def recovered(request):
    from plotsim_dbt.calendar.segments import create_box_segment, stack_segments

    truth = DummyModel.from_segments(
        stack_segments(
            [
                create_box_segment(0, 5, 7, 10, name="Weekday mornings"),
                create_box_segment(0, 5, 18, 22, name="Weekday evenings"),
                create_box_segment(5, 7, 10, 16, name="Weekend middays"),
            ]
        )
    )
    weights, events = truth.create_sampler(random_state=0).sample([50] * 2000)
    model = LatentCalendar(n_components=3, random_state=0).fit(events)
    cos = _cosine(model.normalized_components_, truth.normalized_components_)
    rows, cols = linear_sum_assignment(-cos)
    return truth, weights, events, model, cos, rows, cols


def test_components_recovered(recovered):
    truth, _, _, model, cos, rows, cols = recovered
    matched = cos[rows, cols]
    assert matched.min() >= 0.9, matched
    assert sorted(cols.tolist()) == [0, 1, 2]


def test_population_mixture_recovered(recovered):
    truth, _, _, model, _, rows, cols = recovered
    np.testing.assert_allclose(model.component_distribution_[rows], truth.component_distribution_[cols], atol=0.05)


def test_user_mixtures_recovered(recovered):
    _, weights, events, model, _, rows, cols = recovered
    mix = model.transform(events)[:, rows]
    true = weights.to_numpy()[:, cols]
    assert np.abs(mix - true).mean() < 0.05
