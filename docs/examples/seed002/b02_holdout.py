"""Seed 002, "Temporal train/holdout split": <fact>_train / <fact>_holdout files, leakage-free
entity features, and manifest.holdout.cutoff_period_index."""

from _prelude import *  # noqa: F403

cfg = create(
    about="Holdout split",
    unit="account",
    window=("2023-01", "2024-12", "monthly"),  # 24 periods
    seed=7,
    metrics=[
        {"name": "engagement", "type": "score", "polarity": "positive"},
        {"name": "mrr", "type": "amount", "polarity": "positive", "range": [10, 5000]},
        {"name": "churn_risk", "type": "score", "polarity": "negative"},
    ],
    segments=[
        {"name": "growing", "count": 60, "archetype": "growth"},
        {"name": "fading", "count": 60, "archetype": "decline"},
    ],
    entity_features=True,
    holdout={"target": "churn_risk", "periods": 6},
)
tables, state = generate_tables_with_state(cfg)
manifest = build_manifest(cfg, state.trajectories, tables, scd_state=state.scd, bridge_state=state.bridges)
out = write_tables(tables, cfg, "./data", manifest=manifest)

mf = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
cutoff = mf["holdout"]["cutoff_period_index"]
print(f"manifest.holdout: {mf['holdout']}")
print(f"cutoff_period_index: {cutoff} (= periods {cfg.window.periods} - holdout {cfg.holdout.periods})")

periods = period_of(tables)
train = pd.read_csv(out / "fct_account_train.csv")
holdout = pd.read_csv(out / "fct_account_holdout.csv")
train_p = train["date_key"].map(periods)
hold_p = holdout["date_key"].map(periods)
print(f"train periods: {train_p.min()}..{train_p.max()} ({train_p.nunique()}), holdout periods: {hold_p.min()}..{hold_p.max()} ({hold_p.nunique()})")
print(f"train rows + holdout rows = fact rows: {len(train) + len(holdout) == len(tables['fct_account'])}")

features = pd.read_csv(out / "_entity_features.csv")
target_cols = [c for c in features.columns if c.startswith("churn_risk_")]
print(f"target feature columns in _entity_features.csv: {len(target_cols)}")
print(f"other metrics' feature columns: {sum(c.startswith(('engagement_', 'mrr_')) for c in features.columns)}")
# Aggregations stop at the cutoff: <metric>_last is the last *training* period's value.
last_train = train[train_p == cutoff - 1].set_index("account_id")["engagement"]
match = np.allclose(features.set_index("account_id")["engagement_last"], last_train.loc[features["account_id"]])
print(f"engagement_last equals the value at period {cutoff - 1}: {match}")
print(f"max engagement_peak_period: {int(features['engagement_peak_period'].max())} (< cutoff {cutoff})")
