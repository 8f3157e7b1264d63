"""Seed 002, "A complete ML-ready config", second half: _entity_features.csv for tabular ML, the
_train / _holdout files for time-series ML, manifest.json for ground truth. A scikit-learn
classifier predicts the archetype; a per-company linear regression forecasts the holdout target.
Run b11_ml_ready.sh first (this script runs it when ./data is missing)."""

import subprocess
from _prelude import *  # noqa: F403
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LinearRegression
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import train_test_split

if not Path("data/manifest.json").exists():
    subprocess.run(["bash", str(Path(__file__).with_name("b11_ml_ready.sh"))], check=True)

data = Path("data")
mf = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
labels = {a["entity_id"]: a["archetype"] for a in mf["archetype_assignments"]}
holdout_cfg = mf["holdout"]
target, cutoff = holdout_cfg["target_metric"], holdout_cfg["cutoff_period_index"]
print(f"holdout target {target}, cutoff_period_index {cutoff}")

# Tabular ML: archetype from the training-window aggregates.
features = pd.read_csv(data / "_entity_features.csv")
X = features.drop(columns=["archetype", "final_trajectory_position", "company_id"])
y = features["company_id"].map(labels)  # the answer key from the manifest
print(f"manifest labels equal the feature-table archetype column: {bool((y == features['archetype']).all())}")
print(f"target columns in X: {[c for c in X.columns if c.startswith(target + '_')]}")
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
clf = RandomForestClassifier(n_estimators=200, random_state=0).fit(X_tr, y_tr)
pred = clf.predict(X_te)
majority = y_te.value_counts(normalize=True).max()
print(f"classes: {y.nunique()}, test entities: {len(y_te)}")
print(f"majority-class baseline: {majority:.3f}")
print(f"accuracy: {accuracy_score(y_te, pred):.3f}")
print(f"macro F1: {f1_score(y_te, pred, average='macro'):.3f}")
order = sorted(y.unique())
print("confusion matrix (rows true, columns predicted; order " + ", ".join(order) + "):")
print(confusion_matrix(y_te, pred, labels=order))

# Time-series ML: forecast the holdout target per company from its training periods.
dates = pd.read_csv(data / "dim_date.csv").set_index("date_key")["period_index"]
train = pd.read_csv(data / "fct_support_train.csv")
holdout = pd.read_csv(data / "fct_support_holdout.csv")
train["t"], holdout["t"] = train["date_key"].map(dates), holdout["date_key"].map(dates)
print(f"train periods {train['t'].min()}..{train['t'].max()}, holdout periods {holdout['t'].min()}..{holdout['t'].max()}")
errors, naive = [], []
held = dict(tuple(holdout.groupby("company_id")))
for company, past in train.groupby("company_id"):
    if company not in held:  # churned before the holdout: nothing to forecast
        continue
    future = held[company]
    model = LinearRegression().fit(past[["t"]], past[target])
    errors.append(model.predict(future[["t"]]) - future[target].to_numpy())
    naive.append(past[target].iloc[-1] - future[target].to_numpy())
errors, naive = np.concatenate(errors), np.concatenate(naive)
known = holdout["company_id"].isin(train["company_id"])  # a company signing up in the holdout has no past
print(f"forecast cells: {len(errors)} = holdout rows {int(known.sum())} of companies with a training month")
print(f"linear-regression holdout MAE: {np.mean(np.abs(errors)):.4f}")
print(f"last-value baseline MAE: {np.mean(np.abs(naive)):.4f}")
print(f"holdout {target} std: {holdout[target].std():.4f}")
