"""Seed 002, "Reading ground truth from the manifest": labels and trajectory positions."""

from _prelude import *  # noqa: F403

cfg = write_saas("./data")  # writes ./data/manifest.json (and _entity_features.csv)

# --- the document's block, verbatim ---
import json
from pathlib import Path

mf = json.loads(Path("./data/manifest.json").read_text(encoding="utf-8"))
# Entity → archetype label
labels = {a["entity"]: a["archetype"] for a in mf["archetype_assignments"]}
# Trajectory position at every period for sampled entities
positions = {(s["entity"], s["period_index"]): s["position"] for s in mf["trajectory_samples"]}
# --- end of the document's block ---

periods = mf["window"]["periods"]
print(f"labels: {len(labels)} entities, {len(set(labels.values()))} archetypes; trajectory_sample_rate {mf['trajectory_sample_rate']}")
entities = pd.read_csv("data/truth/truth_entities.csv")
lived = (entities["end_period"].fillna(periods - 1) - entities["start_period"] + 1).sum()
print(f"positions: {len(positions)} cells; one per month each entity exists (sign-up to churn): {len(positions) == lived}")
name, period = next(iter(positions))
archetype_of = entities.set_index("entity_name")["archetype"]
print(
    f"example: labels[{name!r}] = {labels[name]!r}, positions[({name!r}, {period})] = {positions[(name, period)]:.4f}; "
    f"example label is its segment's archetype: {labels[name] == archetype_of[name]}"
)

# The answer key agrees with the tables: truth_entities names each company id as the manifest
# does (dim_company's company_code is a display code that keeps the segment out of the data), the
# feature labels, and each entity's own trajectory (its segment's archetype, with its own variation).
features = pd.read_csv("data/_entity_features.csv")
name_of = pd.read_csv("data/truth/truth_entities.csv").set_index("entity_id")["entity_name"]
agree = (features["company_id"].map(name_of).map(labels) == features["archetype"]).sum()
print(f"feature-table archetype equals manifest label: {agree} of {len(features)}")
trajectory = {s["segment"]: s["trajectory"] for s in mf["segments"]}
segment_of = {a["entity"]: a["segment"] for a in mf["archetype_assignments"]}
gap = np.mean([abs(positions[(e, t)] - trajectory[segment_of[e]][t]) for (e, t) in positions])
print(f"positions follow their segment's archetype (mean gap {gap:.3f})")
cutoff = mf["holdout"]["cutoff_period_index"]
last = entities.set_index("entity_id")["end_period"].fillna(cutoff - 1).clip(upper=cutoff - 1).astype(int)
final = [positions[(name_of[c], last[c])] for c in features["company_id"]]
print(
    f"final_trajectory_position equals the position at each company's last training period: "
    f"{bool(np.allclose(final, features['final_trajectory_position']))}"
)
