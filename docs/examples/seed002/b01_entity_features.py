"""Seed 002, "Training-ready feature table": entity_features: true writes _entity_features.csv."""

from _prelude import *  # noqa: F403

cfg = write_saas("./data")  # the saas template sets entity_features: true
print(f"entity_features set: {cfg.entity_features is not None}")

# --- the document's block, verbatim (module renamed) ---
import pandas as pd

features = pd.read_csv("data/_entity_features.csv")
# Columns: <metric>_mean, <metric>_std, <metric>_slope,
# <metric>_first, <metric>_last, <metric>_peak_period,
# archetype, final_trajectory_position
X = features.drop(columns=["archetype", "final_trajectory_position", "company_id"])
y = features["archetype"]
# --- end of the document's block ---

train = pd.read_csv("data/fct_engagement_train.csv")
print(f"features rows: {len(features)} (companies: {train['company_id'].nunique()} with a training month, of {cfg.entity_count})")
print(f"X shape: {X.shape[0]} x {X.shape[1]}")
suffixes = ("mean", "std", "slope", "first", "last", "peak_period")
for metric in cfg.metrics:
    present = [f"{metric.name}_{s}" for s in suffixes if f"{metric.name}_{s}" in X.columns]
    print(f"metric {metric.name}: {len(present)} aggregate columns")
print(f"label columns left in X: {sorted(set(X.columns) & {'archetype', 'final_trajectory_position', 'company_id'})}")
print(f"non-numeric columns in X: {list(X.select_dtypes(exclude='number').columns)}")
print(f"archetypes in y: {y.nunique()}")
print(f"final_trajectory_position within [0, 1]: {bool(features['final_trajectory_position'].between(0, 1).all())}")
