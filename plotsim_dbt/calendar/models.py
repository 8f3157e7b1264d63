"""Calendar models: latent Dirichlet allocation over the 168 hour-of-week slots.

``LatentCalendar`` subclasses scikit-learn's ``LatentDirichletAllocation`` (same constructor,
``fit``, ``transform``, ``get_params``/``clone``, pipelines): every row of a wide frame is a
document, every slot a word, every topic a *component* (a distribution over the slots). It adds
``normalized_components_``, ``component_distribution_``, ``predict`` and ``create_sampler``.

``DummyModel`` builds the same kind of model by hand (``from_prior``, ``from_segments``) and
``MarginalModel`` is the one-component population baseline; ``ConjugateModel`` the per-row
Dirichlet-multinomial baseline. scikit-learn is imported here only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import LatentDirichletAllocation

from .generate import LatentCalendarSampler
from .segments import _align_to_vocab
from .vocab import FULL_VOCAB

__all__ = [
    "LatentCalendar",
    "DummyModel",
    "MarginalModel",
    "ConjugateModel",
    "hourly_prior",
    "joint_distribution",
    "transform_on_dataframe",
    "predict_on_dataframe",
]


def joint_distribution(X_latent: np.ndarray, components: np.ndarray) -> np.ndarray:
    """Slot distribution of mixtures: ``X_latent @ row-normalised components`` (rows sum to 1)."""
    components = np.asarray(components, dtype=np.float64)
    normalized = components / components.sum(axis=1, keepdims=True)
    return np.asarray(X_latent) @ normalized


class LatentCalendar(LatentDirichletAllocation):
    """Latent Dirichlet allocation on wide calendar counts (rows x 168 slots).

    The constructor is scikit-learn's (``n_components=10``, ``random_state=None``,
    ``learning_method="batch"``, ``max_iter=10``, ...). After ``fit``:

    - ``components_`` (K x V): unnormalised variational pseudo-counts;
    - ``normalized_components_``: each component's slot probabilities (rows sum to 1);
    - ``component_distribution_``: each component's share of the total mass (sums to 1), the
      population mixture the sampler draws around;
    - ``transform(X)``: per-row mixture over the components (rows sum to 1);
    - ``predict(X)``: per-row slot distribution ``transform(X) @ normalized_components_``.
    """

    @property
    def normalized_components_(self) -> np.ndarray:
        c = np.asarray(self.components_, dtype=np.float64)
        return c / c.sum(axis=1, keepdims=True)

    @property
    def component_distribution_(self) -> np.ndarray:
        totals = np.asarray(self.components_, dtype=np.float64).sum(axis=1)
        return totals / totals.sum()

    def joint_distribution(self, X_latent: np.ndarray) -> np.ndarray:
        """Slot distribution (n x V) of the mixtures ``X_latent`` (n x K)."""
        return np.asarray(X_latent) @ self.normalized_components_

    def predict(self, X) -> np.ndarray:
        """Per-row slot distribution (n x V, rows sum to 1)."""
        return self.joint_distribution(self.transform(X))

    def create_sampler(self, random_state=None, concentration_scale: float = 1.0, concentration: float | None = None) -> LatentCalendarSampler:
        """Sampler of synthetic users from this model (see ``LatentCalendarSampler``).

        ``concentration`` is the total Dirichlet concentration A of the users' mixtures
        (``alpha = A * component_distribution_``; default 1.0 as in the reference);
        ``concentration_scale`` is the reference's per-user Gamma perturbation (off at 1.0)."""
        return LatentCalendarSampler(self, random_state=random_state, concentration_scale=concentration_scale, concentration=concentration)


class _FixedComponents(LatentCalendar):
    """A LatentCalendar whose components are given rather than fitted. ``transform`` is the
    mean-field (variational) posterior mixture of each row under those exact components and the
    Dirichlet prior ``doc_topic_prior_ = component_distribution_`` (total concentration 1, what
    the sampler uses by default); the reference returns 1/K for every row instead."""

    def transform(self, X, *, normalize: bool = True) -> np.ndarray:
        from scipy.special import digamma

        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(f"X must have {self.n_features_in_} columns, got shape {X.shape}")
        if not np.isfinite(X).all() or (X < 0).any():
            raise ValueError("X must be finite, non-negative counts")
        alpha = np.asarray(self.doc_topic_prior_, dtype=np.float64)
        beta = self.normalized_components_
        gamma = np.ones((X.shape[0], beta.shape[0]))
        for _ in range(max(1, self.max_doc_update_iter)):
            e_log = digamma(gamma) - digamma(gamma.sum(axis=1, keepdims=True))
            exp_theta = np.exp(e_log - e_log.max(axis=1, keepdims=True))
            norm = exp_theta @ beta + 1e-100
            new = alpha + exp_theta * ((X / norm) @ beta.T)
            change = np.abs(new - gamma).mean(axis=1).max() if len(X) else 0.0
            gamma = new
            if change < self.mean_change_tol:
                break
        return gamma / gamma.sum(axis=1, keepdims=True) if normalize else gamma

    def _set_components(self, components: np.ndarray, n_features: int | None = None) -> _FixedComponents:
        components = np.asarray(components, dtype=np.float64)
        if components.ndim != 2 or components.shape[0] < 1:
            raise ValueError("components must be a non-empty 2-D array (components x slots)")
        if not np.isfinite(components).all() or (components < 0).any():
            raise ValueError("components must be finite and non-negative")
        empty = np.flatnonzero(components.sum(axis=1) <= 0)
        if empty.size:
            raise ValueError(f"components {list(empty)} are empty (all zero)")
        self.n_components = components.shape[0]
        self.components_ = components
        self.n_features_in_ = components.shape[1] if n_features is None else n_features
        self.exp_dirichlet_component_ = self.normalized_components_
        self.doc_topic_prior_ = self.component_distribution_
        self.topic_word_prior_ = 0.0
        self.n_batch_iter_ = 0
        self.n_iter_ = 0
        self.bound_ = np.nan
        self.random_state_ = np.random.mtrand.RandomState(0)
        return self


class DummyModel(_FixedComponents):
    """Hand-built calendar models.

    - ``DummyModel().fit(X)``: one uniform component over X's columns;
    - ``DummyModel.from_prior(prior)``: one component proportional to ``prior`` (168 non-negative
      values, ndarray or a segment Series);
    - ``DummyModel.from_segments(df_segments, weights=None)``: one component per segment row.
    """

    def fit(self, X, y=None):
        n_features = np.asarray(X).shape[1]
        self._set_components(np.ones((1, n_features)))
        return self

    @classmethod
    def create(cls, n_features: int = FULL_VOCAB.size) -> DummyModel:
        """One uniform component over ``n_features`` slots, without data."""
        return cls(n_components=1)._set_components(np.ones((1, n_features)))

    @classmethod
    def from_prior(cls, prior) -> DummyModel:
        """One component whose slot distribution is ``prior / prior.sum()``. A Series is aligned
        to FULL_VOCAB by its index (168 (day_of_week, hour) or ``"DD HH"`` labels); an array is
        taken in FULL_VOCAB order. Every sampled user has weights [1.0]."""
        if isinstance(prior, pd.Series):
            values = _align_to_vocab(prior, "prior").to_numpy(dtype=np.float64)
            name = prior.name
        else:
            values = np.asarray(prior, dtype=np.float64)
            name = None
        if values.ndim != 1:
            raise ValueError("prior must be 1-D (one value per slot)")
        model = cls(n_components=1)._set_components(values[None, :])
        model.component_names_ = [name]
        return model

    @classmethod
    def from_segments(cls, df_segments: pd.DataFrame, weights=None) -> DummyModel:
        """One component per row of a segments frame.

        ``normalized_components_[k]`` is segment k divided by its sum (a 0/1 segment gives a
        uniform distribution over its slots; other values act as slot weights) and
        ``component_distribution_[k]`` is ``w_k * sum(segment_k) / sum_j w_j * sum(segment_j)``:
        by default proportional to the segments' sizes (15 vs 20 slots -> [0.4286, 0.5714]);
        ``weights`` (one positive value per segment, default 1) scale that population mixture
        and leave the slot distributions unchanged. Empty segments raise."""
        if not isinstance(df_segments, pd.DataFrame):
            raise TypeError("df_segments must be a DataFrame (see segments.stack_segments)")
        values = _align_to_vocab(df_segments, "df_segments").to_numpy(dtype=np.float64)
        k = values.shape[0]
        w = np.ones(k) if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
        if w.shape != (k,):
            raise ValueError(f"weights needs one value per segment ({k}), got {w.shape[0]}")
        if not np.isfinite(w).all() or (w <= 0).any():
            raise ValueError("weights must be finite and > 0 (drop a segment to exclude it)")
        model = cls(n_components=k)._set_components(values * w[:, None])
        model.component_names_ = list(df_segments.index)
        return model


class MarginalModel(_FixedComponents):
    """Population baseline: one component equal to the column sums of X; ``predict`` gives every
    row the population slot distribution."""

    def fit(self, X, y=None):
        totals = np.asarray(X, dtype=np.float64).sum(axis=0)
        self._set_components(totals[None, :])
        return self


def _counts(X, what: str = "X") -> np.ndarray:
    values = np.asarray(X, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"{what} must be 2-D (rows x slots), got shape {values.shape}")
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValueError(f"{what} must be finite, non-negative counts")
    return values


def hourly_prior(X) -> np.ndarray:
    """Per slot, the share of rows with at least one event there: a data-driven Dirichlet prior."""
    values = _counts(X)
    if values.shape[0] == 0:
        raise ValueError("X has no rows")
    return (values > 0).mean(axis=0)


class ConjugateModel(TransformerMixin, BaseEstimator):
    """Dirichlet-multinomial baseline: each row's slot probabilities ~ Dirichlet(a), its counts
    multinomial given them, so the posterior is Dirichlet(a + x).

    ``a`` is the prior (one non-negative value per slot, positive sum); ``None`` takes
    ``hourly_prior(X)`` at ``fit``. ``transform(X)`` and ``predict(X)`` both give the posterior
    mean ``(a + x) / sum(a + x)`` per row (rows sum to 1): a row with few events stays near the
    prior, one with many follows its own counts. Fitted: ``a_``, ``n_features_in_``."""

    def __init__(self, a=None):
        self.a = a

    def fit(self, X, y=None):
        values = _counts(X)
        prior = hourly_prior(values) if self.a is None else np.asarray(self.a, dtype=np.float64).reshape(-1)
        if prior.shape != (values.shape[1],):
            raise ValueError(f"a needs one value per slot ({values.shape[1]}), got {prior.size}")
        if not np.isfinite(prior).all() or (prior < 0).any() or prior.sum() <= 0:
            raise ValueError("a must be finite, non-negative and not all zero (with a=None: X has no events)")
        self.a_ = prior
        self.n_features_in_ = values.shape[1]
        return self

    def posterior(self, X) -> np.ndarray:
        """Dirichlet posterior parameters ``a_ + x`` per row."""
        values = _counts(X)
        if values.shape[1] != self.n_features_in_:
            raise ValueError(f"X must have {self.n_features_in_} columns, got {values.shape[1]}")
        return self.a_ + values

    def transform(self, X) -> np.ndarray:
        post = self.posterior(X)
        return post / post.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        return self.transform(X)


def transform_on_dataframe(df: pd.DataFrame, model) -> pd.DataFrame:
    """``model.transform(df)`` keeping the index: one column per component (0..K-1), or per slot
    for models whose transform is already a slot distribution (``ConjugateModel``)."""
    values = np.asarray(model.transform(df))
    columns = df.columns if values.shape[1] == df.shape[1] and not isinstance(model, LatentCalendar) else None
    return pd.DataFrame(values, index=df.index, columns=columns)


def predict_on_dataframe(df: pd.DataFrame, model) -> pd.DataFrame:
    """``model.predict(df)`` keeping index and columns."""
    return pd.DataFrame(model.predict(df), index=df.index, columns=df.columns)
