import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.decomposition import LatentDirichletAllocation
from sklearn.pipeline import make_pipeline

from plotsim_dbt.calendar import FULL_VOCAB, DummyModel, LatentCalendar, MarginalModel
from plotsim_dbt.calendar.generate import wide_format_dataframe
from plotsim_dbt.calendar.segments import create_box_segment, stack_segments


@pytest.fixture(scope="module")
def fitted():
    df = wide_format_dataframe(n_rows=50, rate=2.0, random_state=0)
    return df, LatentCalendar(n_components=5, random_state=0).fit(df)


def test_latent_calendar_is_sklearn_lda(fitted):
    df, model = fitted
    assert isinstance(model, LatentDirichletAllocation)
    assert clone(model).get_params()["n_components"] == 5
    assert model.components_.shape == (5, 168)
    np.testing.assert_allclose(model.normalized_components_.sum(axis=1), 1.0)
    np.testing.assert_allclose(model.component_distribution_.sum(), 1.0)
    np.testing.assert_allclose(model.component_distribution_, model.components_.sum(axis=1) / model.components_.sum())
    assert not hasattr(model, "feature_names_in_")  # tuple columns are not string feature names


def test_transform_and_predict(fitted):
    df, model = fitted
    mix = model.transform(df)
    assert mix.shape == (50, 5)
    np.testing.assert_allclose(mix.sum(axis=1), 1.0)
    pred = model.predict(df)
    assert pred.shape == (50, 168)
    np.testing.assert_allclose(pred, mix @ model.normalized_components_)
    np.testing.assert_allclose(pred.sum(axis=1), 1.0)
    frame = df.cal.predict(model=model)
    assert frame.columns.equals(FULL_VOCAB) and frame.index.equals(df.index)
    assert df.cal.transform(model=model).shape == (50, 5)


def test_unfitted_model_has_no_derived_attributes():
    assert not hasattr(LatentCalendar(n_components=2), "normalized_components_")


def test_pipeline_use(fitted):
    df, _ = fitted
    pipe = make_pipeline(LatentCalendar(n_components=3, random_state=0, max_iter=2)).fit(df)
    assert pipe.transform(df).shape == (50, 3)


def test_from_prior_array_and_series():
    seg = create_box_segment(0, 5, 7, 10, name="Weekday mornings")
    model = DummyModel.from_prior(seg)
    assert model.n_components == 1 and model.components_.shape == (1, 168)
    np.testing.assert_allclose(model.normalized_components_[0], seg.to_numpy() / 15)
    np.testing.assert_allclose(model.component_distribution_, [1.0])
    np.testing.assert_allclose(DummyModel.from_prior(seg.to_numpy()).normalized_components_, model.normalized_components_)
    reordered = seg.iloc[::-1]  # a Series is aligned by its index, not by position
    np.testing.assert_allclose(DummyModel.from_prior(reordered).normalized_components_, model.normalized_components_)
    with pytest.raises(ValueError):
        DummyModel.from_prior(np.zeros(168))
    with pytest.raises(ValueError):
        DummyModel.from_prior(-np.ones(168))


def test_from_segments_component_distribution(mornings_evenings):
    model = DummyModel.from_segments(mornings_evenings)
    assert model.n_components == 2 and model.component_names_ == ["Mornings", "Evenings"]
    np.testing.assert_allclose(model.component_distribution_, [15 / 35, 20 / 35])
    np.testing.assert_allclose(model.component_distribution_, [0.4286, 0.5714], atol=1e-4)
    np.testing.assert_allclose(model.normalized_components_[0], mornings_evenings.iloc[0].to_numpy() / 15)


def test_from_segments_weights_change_only_the_mixture_prior(mornings_evenings):
    plain = DummyModel.from_segments(mornings_evenings)
    weighted = DummyModel.from_segments(mornings_evenings, weights=[3, 1])
    np.testing.assert_allclose(weighted.component_distribution_, [45 / 65, 20 / 65])
    np.testing.assert_allclose(weighted.component_distribution_, [0.6923, 0.3077], atol=1e-4)
    np.testing.assert_allclose(weighted.normalized_components_, plain.normalized_components_)


def test_from_segments_four_segments_of_seed000():
    segs = stack_segments(
        [
            create_box_segment(0, 5, 7, 10, name="Mornings"),
            create_box_segment(0, 7, 12, 17, name="Afternoons"),
            create_box_segment(0, 5, 18, 22, name="Evenings"),
            create_box_segment(5, 7, 12, 16, name="Weekends"),
        ]
    )
    np.testing.assert_allclose(DummyModel.from_segments(segs).component_distribution_, np.array([15, 35, 20, 8]) / 78)
    np.testing.assert_allclose(DummyModel.from_segments(segs, weights=[3, 2, 1, 2]).component_distribution_, np.array([45, 70, 20, 16]) / 151)


def test_from_segments_validation(mornings_evenings):
    with pytest.raises(ValueError):
        DummyModel.from_segments(mornings_evenings, weights=[1, 2, 3])
    with pytest.raises(ValueError):
        DummyModel.from_segments(mornings_evenings, weights=[1, 0])
    empty = stack_segments([create_box_segment(0, 5, 7, 10, name="a"), create_box_segment(2, 2, 0, 24, name="empty")])
    with pytest.raises(ValueError, match="empty"):
        DummyModel.from_segments(empty)


def test_dummy_transform_is_a_posterior(mornings_evenings):
    model = DummyModel.from_segments(mornings_evenings)
    rows = np.zeros((3, 168))
    rows[0, 7] = 20  # Monday 7:00 only: a morning user
    rows[1, 18] = 20  # Monday 18:00 only: an evening user
    mix = model.transform(rows)
    np.testing.assert_allclose(mix.sum(axis=1), 1.0)
    assert mix[0, 0] > 0.9 and mix[1, 1] > 0.9
    np.testing.assert_allclose(mix[2], model.component_distribution_, atol=1e-6)  # no data: the prior mean
    np.testing.assert_allclose(model.predict(rows).sum(axis=1), 1.0)


def test_dummy_fit_and_marginal():
    df = wide_format_dataframe(n_rows=4, rate=1.0, random_state=1)
    dummy = DummyModel().fit(df)
    np.testing.assert_allclose(dummy.normalized_components_, np.full((1, 168), 1 / 168))
    np.testing.assert_allclose(dummy.transform(df), 1.0)
    assert DummyModel.create().components_.shape == (1, 168)
    marginal = MarginalModel().fit(df)
    expected = df.to_numpy().sum(axis=0) / df.to_numpy().sum()
    np.testing.assert_allclose(marginal.predict(df), np.tile(expected, (4, 1)))


def test_sampler_columns_follow_string_feature_names():
    df = wide_format_dataframe(n_rows=20, rate=1.0, random_state=0)
    df.columns = [f"{d:02d} {h:02d}" for d, h in FULL_VOCAB]
    model = LatentCalendar(n_components=2, random_state=0, max_iter=2).fit(df)
    _, events = model.create_sampler(random_state=0).sample([3])
    assert list(events.columns) == list(df.columns)
    assert isinstance(events.columns, pd.Index)


def test_conjugate_model_is_the_dirichlet_multinomial_posterior_mean():
    from plotsim_dbt.calendar.models import ConjugateModel, hourly_prior

    X = np.zeros((3, 168), dtype=int)
    X[0, 10] = 4
    X[1, [10, 20]] = [1, 1]
    prior = hourly_prior(X)
    assert prior[10] == pytest.approx(2 / 3) and prior[20] == pytest.approx(1 / 3) and prior[0] == 0
    model = ConjugateModel().fit(X)
    post = model.predict(X)
    np.testing.assert_allclose(post.sum(axis=1), 1)
    np.testing.assert_allclose(post[0, 10], (2 / 3 + 4) / (1 + 4))  # (a + x) / sum(a + x)
    np.testing.assert_allclose(post[2], prior / prior.sum())  # no events: the prior mean
    np.testing.assert_allclose(model.transform(X), post)
    # many events: the row's own shares win over the prior
    big = ConjugateModel(a=np.ones(168)).fit(X).predict(np.eye(168, dtype=int)[[5]] * 10_000)
    assert big[0, 5] > 0.98
    assert pd.DataFrame(X, columns=FULL_VOCAB).cal.predict(model=model).columns.equals(FULL_VOCAB)


@pytest.mark.parametrize("a", [np.full(168, -1.0), np.zeros(168), np.ones(10)])
def test_conjugate_model_rejects_bad_priors(a):
    from plotsim_dbt.calendar.models import ConjugateModel

    with pytest.raises(ValueError):
        ConjugateModel(a=a).fit(np.ones((2, 168)))
    with pytest.raises(ValueError):
        ConjugateModel().fit(np.zeros((2, 168)))
