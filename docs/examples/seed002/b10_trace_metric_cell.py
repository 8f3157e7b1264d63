"""Seed 002, "Trace one weird cell — trace_metric_cell"."""

from _prelude import *  # noqa: F403

cfg = create(
    about="Client revenue",
    unit="client",
    window=("2024-01", "2024-12", "monthly"),
    seed=42,
    metrics=[
        {"name": "engagement", "type": "score", "polarity": "positive"},
        {"name": "mrr", "type": "amount", "polarity": "positive", "range": [10, 5000]},
    ],
    connections=["mrr driven_by engagement"],
    seasonality=[{"months": [11, 12], "strength": 0.30}],
    noise={"gaussian_sigma": 0.05},
    segments=[
        {"name": "promising_client", "count": 30, "archetype": "growth"},
        {"name": "steady_client", "count": 30, "archetype": "flat"},
    ],
)

# --- the document's block, verbatim (module renamed) ---
from plotsim_dbt.inspect import trace_metric_cell

result = trace_metric_cell(
    cfg,
    seed=cfg.seed,
    entity_name="promising_client_0001",
    period_index=8,
    metric_name="mrr",
)
print(result.trajectory_position, result.distribution_center, result.correlated_draw, result.noised_value, result.realized_cell)
# --- end of the document's block ---

tables = generate_tables(cfg)
fct = tables["fct_client"]
date_key = tables["dim_date"].set_index("period_index").at[8, "date_key"]
client_id = tables["dim_client"].set_index("client_name").at["promising_client_0001", "client_id"]
table_value = fct[(fct["client_id"] == client_id) & (fct["date_key"] == date_key)]["mrr"].item()
print(f"entity {result.entity} (dim_client id {client_id}, trace id {result.entity_id}), period {result.period_index}, date_key {result.date_key}")
print(f"realized_cell {result.realized_cell!r}, table value {table_value!r}, equal: {result.realized_cell == table_value}")
mf = build_manifest(cfg)
sample = {(s["entity"], s["period_index"]): s["position"] for s in mf["trajectory_samples"]}
print(
    f"trajectory_position equals the manifest's sample for promising_client_0001 at period 8: "
    f"{abs(result.trajectory_position - sample[('promising_client_0001', 8)]) < 1e-9}"
)
print(f"distribution_center inside the mrr range [10, 5000]: {10 <= result.distribution_center <= 5000}")
