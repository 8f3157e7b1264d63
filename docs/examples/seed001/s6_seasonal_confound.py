"""Seed 001, section 6: seasonality as a confound."""

from _prelude import *  # noqa: F403
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split


def f1_for(seasonality):
    cfg = fixed_seed(
        create(
            about="Seasonal confound",
            unit="account",
            window=("2023-01", "2024-12", "monthly"),
            metrics=[
                {"name": "engagement", "type": "score", "polarity": "positive"},
                {"name": "spend", "type": "amount", "polarity": "positive", "range": [10, 500]},
            ],
            segments=[
                {"name": "stars", "count": 50, "archetype": "growth", "attributes": {"shape": "stars"}},
                {"name": "fading", "count": 50, "archetype": "decline", "attributes": {"shape": "fading"}},
            ],
            seasonality=seasonality,
            entity_features=True,
        )
    )
    tables, state = generate_tables_with_state(cfg, np.random.default_rng(cfg.seed))
    manifest = build_manifest(
        cfg,
        state.trajectories,
        tables,
        scd_state=state.scd,
        bridge_state=state.bridges,
    )
    out = Path(f"./out_seasonal_{int(bool(seasonality))}")
    write_tables(tables, cfg, output_dir=out, manifest=manifest)
    feat = pd.read_csv(out / "_entity_features.csv")
    label_col = "archetype" if "archetype" in feat.columns else "label"
    X = feat.drop(columns=["account_id", label_col]).select_dtypes(include="number")
    y = feat[label_col]
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    pred = LogisticRegression(max_iter=2000).fit(X_tr, y_tr).predict(X_te)
    return f1_score(y_te, pred, average="macro")


print(f"F1 without seasonality: {f1_for([]):.3f}")
print(f"F1 with seasonality: {f1_for([{'months': [11, 12], 'strength': 0.4}]):.3f}")
