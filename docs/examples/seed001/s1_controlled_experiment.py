"""Seed 001, section 1: controlled experiment (with vs. without a 3-period causal lag)."""

from _prelude import *  # noqa: F403


def controlled(with_lag):
    metrics = [{"name": "engagement", "type": "score", "polarity": "positive"}]
    follower = {"name": "tickets", "type": "score", "polarity": "negative"}
    if with_lag:
        follower.update(follows="engagement", delay=3)
    metrics.append(follower)
    return fixed_seed(
        create(
            about="Controlled experiment",
            unit="account",
            window=("2023-01", "2024-12", "monthly"),
            metrics=metrics,
            segments=[{"name": "core", "count": 50, "archetype": "spike_then_crash"}],
        )
    )


def cross_corr(series_a, series_b, max_lag=6):
    return [series_a.corr(series_b.shift(-k)) for k in range(-max_lag, max_lag + 1)]


for with_lag, label in ((False, "no lag"), (True, "follows engagement, delay=3")):
    cfg = controlled(with_lag)
    fct = generate_tables(cfg, np.random.default_rng(cfg.seed))["fct_account"]
    avg = (
        fct.merge(
            cfg.tables[0] if False else generate_tables(cfg, np.random.default_rng(cfg.seed))["dim_date"][["date_key", "period_index"]], on="date_key"
        )
        .groupby("period_index")[["engagement", "tickets"]]
        .mean()
    )
    xc = cross_corr(avg["engagement"], avg["tickets"])
    peak_lag = np.argmax(np.abs(xc)) - 6
    print(f" {label:>32}: peak cross-corr at lag {peak_lag:+d} period(s)")
