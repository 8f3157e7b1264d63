import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from plotsim_dbt.calendar import FULL_VOCAB, DummyModel, LatentCalendar, LatentCalendarSampler
from plotsim_dbt.calendar.generate import sample_from_latent_calendar, wide_format_dataframe


@pytest.fixture(scope="module")
def fitted():
    df = wide_format_dataframe(n_rows=50, rate=2.0, random_state=0)
    return LatentCalendar(n_components=5, random_state=0).fit(df)


def test_sample_events_single_user(fitted):
    df_weights, df_events = fitted.create_sampler(random_state=42).sample_events(n=10)
    assert df_weights.shape == (1, 5) and df_events.shape == (1, 168)
    assert df_events.sum(axis=1).tolist() == [10]
    assert df_events.columns.equals(FULL_VOCAB)
    assert pd.api.types.is_integer_dtype(df_events.dtypes.iloc[0])
    assert list(df_weights.columns) == [0, 1, 2, 3, 4]


def test_sample_many_users_row_sums(fitted):
    df_weights, df_events = fitted.create_sampler(random_state=42).sample(n_samples=[10, 5, 20])
    assert df_weights.shape == (3, 5) and df_events.shape == (3, 168)
    assert df_events.sum(axis=1).tolist() == [10, 5, 20]
    np.testing.assert_allclose(df_weights.sum(axis=1), 1.0)
    assert list(df_events.index) == [0, 1, 2]


def test_n_samples_forms(fitted):
    sampler = fitted.create_sampler(random_state=0)
    assert sampler.sample(np.int64(7))[1].sum(axis=1).tolist() == [7]  # numpy ints accepted
    assert sampler.sample(np.array([3, 0, 4]))[1].sum(axis=1).tolist() == [3, 0, 4]  # zero-event users
    assert sampler.sample([])[1].shape == (0, 168)
    with pytest.raises(ValueError):
        sampler.sample([3, -1])
    with pytest.raises(ValueError):
        sampler.sample([1.5])
    with pytest.raises(TypeError):
        sampler.sample("10")


def test_determinism(fitted):
    a = fitted.create_sampler(random_state=7).sample([5, 10, 15])
    b = fitted.create_sampler(random_state=7).sample([5, 10, 15])
    c = sample_from_latent_calendar(fitted, [5, 10, 15], random_state=7)
    for x, y in zip(a, b):
        pd.testing.assert_frame_equal(x, y)
    for x, y in zip(a, c):
        pd.testing.assert_frame_equal(x, y)
    d = fitted.create_sampler(random_state=8).sample([5, 10, 15])
    assert not a[1].equals(d[1])
    sampler = fitted.create_sampler(random_state=7)
    first, second = sampler.sample([5]), sampler.sample([5])  # the stream continues
    assert not (first[0].equals(second[0]) and first[1].equals(second[1]))


def test_events_stay_in_the_components_support(three_boxes):
    model = DummyModel.from_segments(three_boxes)
    _, events = model.create_sampler(random_state=1).sample([40] * 300)
    union = three_boxes.to_numpy().sum(axis=0) > 0
    assert events.to_numpy()[:, ~union].sum() == 0
    single = DummyModel.from_prior(three_boxes.iloc[0])
    weights, ev = single.create_sampler(random_state=1, concentration_scale=5.0).sample([30] * 10)
    assert (weights[0] == 1.0).all() and ev.to_numpy()[:, three_boxes.iloc[0].to_numpy() == 0].sum() == 0


def test_pooled_slots_match_the_model(three_boxes):
    model = DummyModel.from_segments(three_boxes)
    weights, events = model.create_sampler(random_state=2, concentration=5.0).sample([60] * 2000)
    expected = (weights.to_numpy() * events.sum(axis=1).to_numpy()[:, None]) @ model.normalized_components_
    observed = events.to_numpy().sum(axis=0)
    cells = expected.sum(axis=0) > 0
    chi2 = (((observed - expected.sum(axis=0)) ** 2)[cells] / expected.sum(axis=0)[cells]).sum()
    assert chi2 < stats.chi2.ppf(1 - 1e-6, cells.sum() - 1)


def _variance_tolerance(theta):
    """Five standard errors of the sample variance, from the sample's own fourth moment."""
    centred = theta - theta.mean(axis=0)
    m2 = (centred**2).mean(axis=0)
    m4 = (centred**4).mean(axis=0)
    return 5 * np.sqrt((m4 - m2**2) / len(theta))


@pytest.mark.parametrize("concentration", [None, 1.0, 10.0, 100.0])
def test_concentration_sets_the_spread_around_the_prior(three_boxes, concentration):
    model = DummyModel.from_segments(three_boxes)
    pi = model.component_distribution_
    a = 1.0 if concentration is None else concentration
    n_users = 20_000
    theta = model.create_sampler(random_state=3, concentration=concentration).sample([0] * n_users)[0].to_numpy()
    var_theory = pi * (1 - pi) / (a + 1)
    assert np.all(np.abs(theta.mean(axis=0) - pi) <= 5 * np.sqrt(var_theory / n_users))
    assert np.all(np.abs(theta.var(axis=0) - var_theory) <= _variance_tolerance(theta))


def test_larger_concentration_means_closer_to_the_prior(three_boxes):
    model = DummyModel.from_segments(three_boxes)
    pi = model.component_distribution_
    dist = []
    for a in (0.5, 1.0, 10.0, 100.0):
        theta = model.create_sampler(random_state=4, concentration=a).sample([0] * 5000)[0].to_numpy()
        dist.append(np.abs(theta - pi).sum(axis=1).mean())
    assert dist == sorted(dist, reverse=True)
    assert dist[-1] < 0.15 and dist[0] > 0.5


@pytest.mark.parametrize("scale", [0.2, 5.0])
def test_concentration_scale_keeps_reference_semantics(three_boxes, scale):
    """alpha'_k ~ Gamma(alpha_k, scale): Var = pi(1-pi) [1/(A+1) + A/(A+1) E[1/(1+A')]], A' ~ Gamma(A, s)."""
    model = DummyModel.from_segments(three_boxes)
    pi = model.component_distribution_
    a = 1.0
    n_users = 20_000
    theta = model.create_sampler(random_state=5, concentration_scale=scale).sample([0] * n_users)[0].to_numpy()
    e_inv, _ = integrate.quad(lambda x: stats.gamma.pdf(x, a, scale=scale) / (1 + x), 0, np.inf)
    var_theory = pi * (1 - pi) * (1 / (a + 1) + a / (a + 1) * e_inv)
    assert np.all(np.abs(theta.mean(axis=0) - pi) <= 5 * np.sqrt(var_theory / n_users))
    assert np.all(np.abs(theta.var(axis=0) - var_theory) <= _variance_tolerance(theta))
    unperturbed = pi * (1 - pi) / (a + 1)
    assert np.all(var_theory > unperturbed)  # any scale != 1 adds spread


def test_concentration_scale_one_is_skipped_exactly(three_boxes):
    model = DummyModel.from_segments(three_boxes)
    plain = model.create_sampler(random_state=9).sample([4, 4])
    scale_one = model.create_sampler(random_state=9, concentration_scale=1.0).sample([4, 4])
    almost = model.create_sampler(random_state=9, concentration_scale=1.0 + 1e-12).sample([4, 4])
    pd.testing.assert_frame_equal(plain[0], scale_one[0])
    assert not plain[0].equals(almost[0])


def test_sampler_validation(three_boxes):
    model = DummyModel.from_segments(three_boxes)
    for bad in ({"concentration": 0.0}, {"concentration": -1.0}, {"concentration_scale": 0.0}):
        with pytest.raises(ValueError):
            model.create_sampler(**bad)
    assert isinstance(model.create_sampler(), LatentCalendarSampler)


def test_wide_format_dataframe_leaves_global_rng_alone():
    np.random.seed(123)
    expected = np.random.random(3)
    np.random.seed(123)
    df = wide_format_dataframe(n_rows=4, rate=2.0, random_state=0)
    np.testing.assert_array_equal(np.random.random(3), expected)
    assert df.shape == (4, 168) and df.columns.equals(FULL_VOCAB)
    pd.testing.assert_frame_equal(df, wide_format_dataframe(n_rows=4, rate=2.0, random_state=0))
    assert abs(wide_format_dataframe(n_rows=200, rate=2.0, random_state=1).to_numpy().mean() - 2.0) < 0.05


def test_sample_arrays_exposes_event_labels(three_boxes):
    model = DummyModel.from_segments(three_boxes)
    weights, counts, entity, component, slot = model.create_sampler(random_state=0).sample_arrays([5, 7])
    assert counts.sum() == 12 and entity.tolist() == [0] * 5 + [1] * 7
    assert (model.normalized_components_[component, slot] > 0).all()
