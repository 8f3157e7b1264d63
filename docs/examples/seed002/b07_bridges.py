"""Seed 002, "Bridge tables for relationship features": manifest.bridge_associations is the answer
key, and the bridge driver makes high-engagement companies hold more links."""

from _prelude import *  # noqa: F403

cfg = load_template("saas")  # bridge_company_feature: dim_company -> dim_feature, [1, 8], driver: engagement
bridge = cfg.bridges[0]
print(f"bridge {bridge.name}: {bridge.left} -> {bridge.right}, cardinality {list(bridge.cardinality)}, driver {bridge.driver}")
tables, state = generate_tables_with_state(cfg)
manifest = build_manifest(cfg, state.trajectories, tables, scd_state=state.scd, bridge_state=state.bridges)

assoc = pd.DataFrame(manifest["bridge_associations"])
print(f"bridge_associations: {len(assoc)} records, first: {manifest['bridge_associations'][0]}")
links = tables[bridge.name]
from_table = links.groupby("company_id")["feature_id"].apply(sorted)
from_manifest = assoc.set_index("entity_id")["targets"].apply(sorted)
print(
    f"records matching the bridge table: {int((from_table.loc[from_manifest.index] == from_manifest).sum())} of {len(assoc)}; "
    f"bridge rows {len(links)} = sum of cardinality {int(assoc['cardinality'].sum())}"
)
print(f"links per company: min {assoc['cardinality'].min()}, max {assoc['cardinality'].max()}")

# High-engagement companies hold more links.
engagement = tables["fct_engagement"].groupby("company_id")["engagement"].mean()
links_per = assoc.set_index("entity_id")["cardinality"]
frame = pd.DataFrame({"engagement": engagement, "links": links_per}).dropna()
quartile = pd.qcut(frame["engagement"], 4, labels=["Q1", "Q2", "Q3", "Q4"])
for q, value in frame.groupby(quartile, observed=True)["links"].mean().items():
    print(f"engagement {q}: mean links {value:.2f}")
print(f"spearman(mean engagement, links): {frame['engagement'].corr(frame['links'], method='spearman'):.3f} (n={len(frame)})")
