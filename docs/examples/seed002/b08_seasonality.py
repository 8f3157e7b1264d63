"""Seed 002, "Seasonality + per-metric sensitivity": the YAML block and the create(...) call,
with the document's `# ...` filled by the minimal required keys."""

from _prelude import *  # noqa: F403
from plotsim_dbt import create

# The document's YAML block, verbatim, after the minimal keys a config needs.
Path("seasonal.yaml").write_text(
    """\
about: Seasonal SaaS
unit: company
window: {start: "2023-01", end: "2024-12", every: monthly}
seed: 21
segments:
  - {name: steady, count: 300, archetype: flat}
seasonality:
- { months: [11, 12], strength: 0.30 } # Q4 lift
- { months: [6, 7, 8], strength: -0.10 } # summer dip
metrics:
- { name: mrr, type: amount, polarity: positive,
    range: [10, 5000], seasonal_sensitivity: 1.0 }
- { name: support_tickets, type: count, polarity: negative,
    seasonal_sensitivity: 0.0 } # immune
""",
    encoding="utf-8",
)

# The document's create(...) call; `# ...` filled with about, unit, window, seed, segments.
cfg = create(
    about="Seasonal SaaS",
    unit="company",
    window=("2023-01", "2024-12", "monthly"),
    seed=21,
    segments=[{"name": "steady", "count": 300, "archetype": "flat"}],
    seasonality=[
        {"months": [11, 12], "strength": 0.30},
        {"months": [6, 7, 8], "strength": -0.10},
    ],
    metrics=[
        {"name": "mrr", "type": "amount", "polarity": "positive", "range": [10, 5000], "seasonal_sensitivity": 1.0},
        {"name": "support_tickets", "type": "count", "polarity": "negative", "seasonal_sensitivity": 0.0},
    ],
)
print(f"YAML block and create() give the same config: {create_from_yaml('seasonal.yaml') == cfg}")

# The same config and seed without seasonality, as the baseline.
baseline = create(**cfg.model_dump(exclude={"seasonality"}))


def monthly_means(config):
    tables = generate_tables(config)
    fct = tables["fct_company"].merge(tables["dim_date"][["date_key", "month"]], on="date_key")
    return fct, fct.groupby("month")[["mrr", "support_tickets"]].mean()


fct, seasonal = monthly_means(cfg)
fct0, flat = monthly_means(baseline)
ratio = seasonal / flat
groups = {"Q4 (11, 12)": [11, 12], "summer (6, 7, 8)": [6, 7, 8], "other months": [1, 2, 3, 4, 5, 9, 10]}
for label, months in groups.items():
    print(f"{label}: mrr x{ratio.loc[months, 'mrr'].mean():.3f}, support_tickets x{ratio.loc[months, 'support_tickets'].mean():.3f}")
print(f"support_tickets cells identical with and without seasonality: {fct['support_tickets'].equals(fct0['support_tickets'])}")
q4 = fct["month"].isin([11, 12])
print(
    f"within the seasonal run, mrr Q4 mean / other-month mean: "
    f"{fct.loc[q4, 'mrr'].mean() / fct.loc[~fct['month'].isin([6, 7, 8, 11, 12]), 'mrr'].mean():.3f}"
)
mf = build_manifest(cfg)
print("manifest seasonal_sensitivity: " + ", ".join(f"{m['name']}={m['seasonal_sensitivity']}" for m in mf["metrics"]))
print("manifest seasonal_factors lift by month: " + ", ".join(f"{f['month']}:{f['lift']:+.2f}" for f in mf["seasonal_factors"][:12]))
