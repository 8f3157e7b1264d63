"""Seed 002, "Lagged features via follows / delay": support_tickets trails engagement by 2 periods."""

from _prelude import *  # noqa: F403
from plotsim_dbt import ConfigError

DELAY = 2
metrics = [
    {"name": "engagement", "type": "score", "polarity": "positive"},
    {"name": "support_tickets", "type": "count", "polarity": "negative", "range": [0, 12], "follows": "engagement", "delay": DELAY},
]
cfg = create(
    about="Causal lag",
    unit="company",
    window=("2023-01", "2024-12", "monthly"),
    seed=11,
    metrics=metrics,
    segments=[{"name": "core", "count": 200, "archetype": "spike_then_crash"}],
)
tables, state = generate_tables_with_state(cfg)
manifest = build_manifest(cfg, state.trajectories, tables)
print(f"manifest lags: {manifest['lags']}")

fct = tables["fct_company"].assign(period=lambda d: d["date_key"].map(period_of(tables)))
avg = fct.groupby("period")[["engagement", "support_tickets"]].mean()
MAX_LAG = 6
xc = {k: avg["engagement"].corr(avg["support_tickets"].shift(-k)) for k in range(-MAX_LAG, MAX_LAG + 1)}
peak = max(xc, key=lambda k: abs(xc[k]))
print(f"peak |cross-corr| of engagement(t) vs support_tickets(t+k): k={peak:+d}, r={xc[peak]:+.3f} (r at k=0: {xc[0]:+.3f})")
print(f"peak lag equals delay: {peak == DELAY}")

# A follows graph cannot loop back on itself: rejected when the config is loaded.
looped = [dict(metrics[0], follows="support_tickets", delay=1), metrics[1]]
try:
    create(
        about="loop", unit="company", window=("2023-01", "2023-12"), metrics=looped, segments=[{"name": "core", "count": 5, "archetype": "growth"}]
    )
    print("cycle rejected: False")
except ConfigError as err:
    print(f"cycle rejected: True ({err})")
