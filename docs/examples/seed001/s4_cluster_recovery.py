"""Seed 001, section 4: entity features as cluster labels."""

from _prelude import *  # noqa: F403
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

cfg = fixed_seed(
    create(
        about="Cluster recovery",
        unit="account",
        window=("2024-01", "2024-12", "monthly"),
        metrics=[
            {"name": "engagement", "type": "score", "polarity": "positive"},
            {"name": "spend", "type": "amount", "polarity": "positive", "range": [10, 500]},
        ],
        segments=[
            {"name": "stars", "count": 40, "archetype": "growth"},
            {"name": "fading", "count": 40, "archetype": "decline"},
            {"name": "steady", "count": 40, "archetype": "flat"},
        ],
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
out = Path("./out_ds_cluster")
write_tables(tables, cfg, output_dir=out, manifest=manifest)
features = pd.read_csv(out / "_entity_features.csv")
label_col = "archetype" if "archetype" in features.columns else "label"
X = features.drop(columns=["account_id", label_col]).select_dtypes(include="number")
labels_true = features[label_col]
labels_pred = KMeans(n_clusters=labels_true.nunique(), n_init=10, random_state=42).fit_predict(X)
print(f"Adjusted Rand Index: {adjusted_rand_score(labels_true, labels_pred):.3f} (1.0 = perfect recovery, 0.0 = random)")
