"""Seed 002, "Custom correlation magnitudes": a measured r in three shorthand forms; the manifest
records the delivered value and the table realises it."""

from _prelude import *  # noqa: F403
from plotsim_dbt import ConfigError

base = dict(
    about="Custom correlations",
    unit="account",
    window=("2023-01", "2024-12", "monthly"),
    seed=5,
    metrics=[
        {"name": "engagement", "type": "score", "polarity": "positive"},
        {"name": "mrr", "type": "amount", "polarity": "positive", "range": [10, 5000]},
        {"name": "nps", "type": "index", "polarity": "positive", "range": [-100, 100]},
        {"name": "churn_risk", "type": "score", "polarity": "negative"},
        {"name": "seats", "type": "amount", "polarity": "positive", "range": [1, 200]},
        {"name": "logins", "type": "score", "polarity": "positive"},
    ],
    segments=[
        {"name": "growing", "count": 150, "archetype": "growth"},
        {"name": "fading", "count": 150, "archetype": "decline"},
    ],
)

# The three shorthand forms are one connection.
forms = {
    "string": "engagement 0.42 mrr",
    "list": ["engagement", 0.42, "mrr"],
    "mapping": {"metric_a": "engagement", "coefficient": 0.42, "metric_b": "mrr"},
}
for label, form in forms.items():
    conn = create(**base, connections=[form]).connections[0]
    print(f"form {label:<8} -> {conn.metric_a} ~ {conn.metric_b}: coefficient {conn.coefficient}")

# One config using each form on its own pair of metrics.
cfg = create(
    **base,
    connections=[
        "engagement 0.42 mrr",
        ["nps", -0.30, "churn_risk"],
        {"metric_a": "seats", "coefficient": 0.65, "metric_b": "logins"},
    ],
)
tables, state = generate_tables_with_state(cfg)
manifest = build_manifest(cfg, state.trajectories, tables)
fct = tables["fct_account"]
n = len(fct)
print(f"cells: {n}")
for pair in manifest["correlations"]:
    realised = fct[pair["metric_a"]].corr(fct[pair["metric_b"]])
    print(
        f"pair {pair['metric_a']}~{pair['metric_b']}: declared {pair['declared']:+.3f} "
        f"delivered {pair['delivered']:+.3f} realised {realised:+.3f} reachable {pair['reachable']}"
    )
print(f"correlation_repair: {manifest['correlation_repair']}")

# A set that cannot hold together (a~b and b~c strongly positive, a~c strongly negative) is
# projected to the nearest valid matrix; the manifest records that it was repaired.
bad = create(**base, connections=["engagement 0.9 mrr", "mrr 0.9 nps", "engagement -0.9 nps"])
repair = build_manifest(bad)["correlation_repair"]
print(f"non-PSD set repaired: {repair['repaired']} (max change {repair['max_change']:.3f})")

# Out-of-range coefficients: the document says they are clamped to [-1, 1].
try:
    c = create(**base, connections=["engagement 1.3 mrr"]).connections[0].coefficient
    print(f"coefficient 1.3 accepted as {c}")
except ConfigError as err:
    print(f"coefficient 1.3 rejected: {err}")
