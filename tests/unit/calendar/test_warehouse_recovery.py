"""Closing the loop on the bundled saas warehouse: login timestamps -> wide counts -> LatentCalendar
recovers the engine's calendar components (truth_calendar_components) and every company's mixture
(truth_calendar_mixtures) within bounds set by the number of events (docs/calendar.md, "From events
to the model")."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from sklearn.pipeline import Pipeline

from plotsim_dbt import load_template
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.calendar import LatentCalendar
from plotsim_dbt.calendar.transformers import RawToVocab

DELTA = 1e-3  # failure probability the mixture bound allows for the whole table


@pytest.fixture(scope="module")
def fitted():
    tables, _ = generate_arrow(load_template("saas"), tables=["evt_login", "truth_calendar_components", "truth_calendar_mixtures"])
    pipe = Pipeline(
        [
            ("wide", RawToVocab(id_col="company_id", timestamp_col="logged_in_at")),
            ("model", LatentCalendar(n_components=3, max_iter=50, random_state=0)),
        ]
    )
    pipe.fit(tables["evt_login"])
    wide = pipe["wide"].transform(tables["evt_login"])
    truth_components = tables["truth_calendar_components"].to_pandas().pivot(index="component", columns="slot", values="probability")
    truth_mixtures = tables["truth_calendar_mixtures"].to_pandas().pivot(index="entity_id", columns="component", values="weight")
    return pipe, wide, truth_components, truth_mixtures, tables["evt_login"]


def _matched(model, truth_components):
    """Fitted component for each truth component (Hungarian matching on cosine similarity)."""
    fitted, truth = model.normalized_components_, truth_components.to_numpy()
    cos = (fitted / np.linalg.norm(fitted, axis=1, keepdims=True)) @ (truth / np.linalg.norm(truth, axis=1, keepdims=True)).T
    rows, cols = linear_sum_assignment(-cos)
    order = np.argsort(cols)
    return rows[order], cos[rows[order], cols[order]]


def test_components_recovered_within_the_sampling_bound(fitted):
    pipe, wide, truth_components, truth_mixtures, _ = fitted
    _, cosine = _matched(pipe["model"], truth_components)
    # N_k events fall in component k (expected, from the truth mixtures); a uniform box of S_k slots
    # estimated from N_k multinomial draws has 1 - cosine ~ (S_k - 1) / (2 N_k); allow 5x that.
    n = wide.sum(axis=1).to_numpy()
    events_per_component = n @ truth_mixtures.loc[wide.index, truth_components.index].to_numpy()
    support = (truth_components.to_numpy() > 0).sum(axis=1)
    bound = 1 - 5 * (support - 1) / (2 * events_per_component)
    print("matched cosine", np.round(cosine, 5).tolist(), "bound", np.round(bound, 5).tolist())
    assert (cosine >= bound).all(), (cosine, bound)


def test_company_mixtures_recovered_within_the_sample_size_bound(fitted):
    pipe, wide, truth_components, truth_mixtures, _ = fitted
    rows, _ = _matched(pipe["model"], truth_components)
    estimate = pipe["model"].transform(wide)[:, rows]
    truth = truth_mixtures.loc[wide.index, truth_components.index].to_numpy()
    n = wide.sum(axis=1).to_numpy()[:, None]
    companies, k = truth.shape
    # The components are disjoint boxes, so a company's events in box k are Binomial(n, theta_k):
    # Hoeffding with a union bound over all companies x components, plus the pull of the prior
    # (doc_topic_prior sums to 1, moving a posterior mean by at most 1 / n).
    bound = np.sqrt(np.log(2 * companies * k / DELTA) / (2 * n)) + 1 / n
    error = np.abs(estimate - truth)
    print(
        f"companies {companies}, events {int(n.min())}-{int(n.max())}, max |error| {error.max():.4f}, "
        f"max error / bound {(error / bound).max():.3f}, bound {bound.min():.3f}-{bound.max():.3f}"
    )
    assert (error <= bound).all()
    # On average the error is the binomial one: RMSE sqrt(mean theta (1 - theta) / n) (+ the prior's
    # pull); 1.25x leaves > 5 standard errors of the mean squared error over 600 companies.
    rmse, binomial = np.sqrt((error**2).mean()), np.sqrt((truth * (1 - truth) / n).mean())
    print(f"mixture RMSE {rmse:.4f}, binomial RMSE {binomial:.4f}")
    assert rmse <= 1.25 * binomial + (1 / n).mean()


def test_pipeline_transform_takes_the_event_table(fitted):
    pipe, wide, _, _, events = fitted
    assert wide.shape == (600, 168) and wide.index.name == "company_id"
    assert int(wide.to_numpy().sum()) == events.num_rows  # every login counted once
    np.testing.assert_allclose(pipe.transform(events), pipe["model"].transform(wide))
