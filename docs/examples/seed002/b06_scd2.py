"""Seed 002, "SCD Type 2 dimensions for time-aware joins": dim_company keeps one row per plan_tier
version; facts join to the version in force through dim_row_id; manifest.scd_events is the truth."""

from _prelude import *  # noqa: F403

cfg = load_template("saas")  # dim_company: {name: plan_tier, type: scd, tracks: engagement, ...} and a lifecycle stage
tables, state = generate_tables_with_state(cfg)
manifest = build_manifest(cfg, state.trajectories, tables, scd_state=state.scd, bridge_state=state.bridges)

dim = tables["dim_company"]
fct = tables["fct_revenue"]
print(f"dim_company: {len(dim)} versions of {dim['company_id'].nunique()} companies")
print(f"fct_revenue columns: {list(fct.columns)}")

# Each fact row joins to the active version via dim_row_id.
joined = fct.merge(dim[["dim_row_id", "company_id", "plan_tier", "valid_from", "valid_to"]], on="dim_row_id", suffixes=("", "_dim"))
period_start = pd.to_datetime(joined["date_key"].astype(str), format="%Y%m%d")
valid_from = pd.to_datetime(joined["valid_from"])
valid_to = pd.to_datetime(joined["valid_to"])
active = (valid_from <= period_start) & (valid_to.isna() | (period_start < valid_to))
print(
    f"fact rows joined: {len(joined)} of {len(fct)}; same company: {bool((joined['company_id'] == joined['company_id_dim']).all())}; "
    f"version active at the fact's period: {int(active.sum())} of {len(joined)}"
)
print("mean mrr by plan tier in force:")
LADDER = ["free", "starter", "pro", "enterprise"]
tier_mrr = joined.groupby("plan_tier")["mrr"].mean().reindex(LADDER).dropna()
for tier, value in tier_mrr.items():
    print(f"tier {tier}: mean mrr {value:.1f}")

events = manifest["scd_events"]
# A version starts at each tier change (an scd_event), at each lifecycle stage change and when a
# company churns (its last version carries the churned status); the first is its sign-up.
ordered = dim.sort_values(["company_id", "valid_from"])
before = ordered.groupby("company_id")[["plan_tier", "stage", "status"]].shift()
later = before["plan_tier"].notna()
tier_moves = int((later & (ordered["plan_tier"] != before["plan_tier"])).sum())
other_moves = int((later & (ordered["plan_tier"] == before["plan_tier"])).sum())
print(
    f"scd_events: {len(events)}; versions - companies = {len(dim) - dim['company_id'].nunique()} "
    f"= tier changes {tier_moves} + stage or status changes {other_moves}"
)
print(f"first event: {events[0]}")
by_row = dim.set_index("dim_row_id")
periods = tables["dim_date"].set_index("period_index")["date_key"]
agree = sum(
    by_row.at[e["new_dim_row_id"], "plan_tier"] == e["new_label"]
    and by_row.at[e["old_dim_row_id"], "plan_tier"] == e["old_label"]
    and pd.Timestamp(by_row.at[e["new_dim_row_id"], "valid_from"]) == pd.to_datetime(str(periods[e["period_index"]]), format="%Y%m%d")
    for e in events
)
print(f"events matching dim_company versions: {agree} of {len(events)}")
print(f"upgrades only (monotonic ladder): {all(LADDER.index(e['new_label']) > LADDER.index(e['old_label']) for e in events)}")
