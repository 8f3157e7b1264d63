"""Seed 001, section 2: feature engineering validation."""

from _prelude import *  # noqa: F403

cfg = fixed_seed(
    create(
        about="Feature validation",
        unit="account",
        window=("2024-01", "2024-12", "monthly"),
        metrics=[
            {"name": "engagement", "type": "score", "polarity": "positive"},
        ],
        segments=[
            {"name": "growth_seg", "count": 50, "archetype": "growth", "attributes": {"shape": "growth"}},
            {"name": "decline_seg", "count": 50, "archetype": "decline", "attributes": {"shape": "decline"}},
        ],
    )
)
tables = generate_tables(cfg, np.random.default_rng(cfg.seed))
fct = tables["fct_account"].merge(
    tables["dim_account"][["account_id", "shape"]],
    on="account_id",
)
features = (
    fct.groupby(["account_id", "shape"])["engagement"]
    .agg(
        mean="mean",
        first_period="first",
        last_period="last",
    )
    .reset_index()
)
features["delta"] = features["last_period"] - features["first_period"]
print("Per-shape feature means:")
# The document ends on this bare expression (a notebook cell display); a script prints it.
print(features.groupby("shape")[["mean", "delta"]].mean())
