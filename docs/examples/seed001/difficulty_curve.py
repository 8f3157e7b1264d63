"""How hard seed 001's fixtures are as `variation` rises: the models of sections 4 (KMeans ARI on
entity features), 6 (logistic F1 with seasonality) and 7 (logistic F1 at 50 entities per segment),
run on the same configs with every entity straying further from its archetype."""

from _prelude import *  # noqa: F403
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import adjusted_rand_score, f1_score
from sklearn.model_selection import train_test_split

METRICS = [
    {"name": "engagement", "type": "score", "polarity": "positive"},
    {"name": "spend", "type": "amount", "polarity": "positive", "range": [10, 500]},
]


def features(cfg, out):
    tables, state = generate_tables_with_state(cfg, np.random.default_rng(cfg.seed))
    write_tables(tables, cfg, output_dir=out, manifest=build_manifest(cfg, state.trajectories, tables))
    feat = pd.read_csv(Path(out) / "_entity_features.csv")
    return feat.drop(columns=["account_id", "archetype"]).select_dtypes(include="number"), feat["archetype"]


def section4(variation):
    cfg = fixed_seed(
        create(
            about="Cluster recovery",
            unit="account",
            window=("2024-01", "2024-12", "monthly"),
            metrics=METRICS,
            segments=[
                {"name": "stars", "count": 40, "archetype": "growth"},
                {"name": "fading", "count": 40, "archetype": "decline"},
                {"name": "steady", "count": 40, "archetype": "flat"},
            ],
            entity_features=True,
            variation=variation,
        )
    )
    X, y = features(cfg, "./out_difficulty_s4")
    return adjusted_rand_score(y, KMeans(n_clusters=3, n_init=10, random_state=42).fit_predict(X))


def classifier_f1(variation, n, window, seasonality, out):
    cfg = fixed_seed(
        create(
            about="Classifier",
            unit="account",
            window=window,
            metrics=METRICS,
            segments=[{"name": "stars", "count": n, "archetype": "growth"}, {"name": "fading", "count": n, "archetype": "decline"}],
            seasonality=seasonality,
            entity_features=True,
            variation=variation,
        )
    )
    X, y = features(cfg, out)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    return f1_score(y_te, LogisticRegression(max_iter=2000).fit(X_tr, y_tr).predict(X_te), average="macro")


print(f"{'variation':>9}  {'s4 ARI':>7}  {'s6 F1':>6}  {'s7 F1':>6}")
for variation in (0.0, 0.3, 0.5, 0.75, 1.0):
    s4 = section4(variation)
    s6 = classifier_f1(variation, 50, ("2023-01", "2024-12", "monthly"), [{"months": [11, 12], "strength": 0.4}], "./out_difficulty_s6")
    s7 = classifier_f1(variation, 50, ("2024-01", "2024-12", "monthly"), [], "./out_difficulty_s7")
    print(f"{variation:>9.2f}  {s4:>7.3f}  {s6:>6.3f}  {s7:>6.3f}")
