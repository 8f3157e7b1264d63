"""Seed 002, "Time-to-event metrics — Weibull": the engine-direct YAML, loaded with load_config."""

from _prelude import *  # noqa: F403
import plotsim_dbt

# The document's metrics block, verbatim, inside the minimal keys a config needs.
Path("weibull.yaml").write_text(
    """\
about: Days to renewal
unit: account
window: {start: "2023-01", end: "2024-12", every: monthly}
seed: 3
segments:
  - {name: growing, count: 200, archetype: growth}
# engine-direct YAML (load with plotsim.load_config — not the builder)
metrics:
- name: session_duration_days
  distribution: weibull
  params: { shape: 1.5 } # >1 → lengthening tail; <1 → aging out
  polarity: positive
  value_range: { min: 1.0, max: 365.0 }
""",
    encoding="utf-8",
)

cfg = plotsim_dbt.load_config("weibull.yaml")
metric = cfg.metrics[0]
print(f"family: {metric.family}, params: {metric.distribution_params}, range: {list(metric.range)}")
tables = generate_tables(cfg)
fct = tables["fct_account"].assign(period=lambda d: d["date_key"].map(period_of(tables)))
values = fct["session_duration_days"]
print(f"cells: {len(values)}, min {values.min():.3f}, max {values.max():.3f}, inside [1, 365]: {bool(values.between(1.0, 365.0).all())}")
by_period = fct.groupby("period")["session_duration_days"]
median, p90 = by_period.median(), by_period.quantile(0.9)
print(f"median days: first period {median.iloc[0]:.1f}, last period {median.iloc[-1]:.1f}")
print(f"90th percentile days: first period {p90.iloc[0]:.1f}, last period {p90.iloc[-1]:.1f}")
print(f"spearman(period, median): {median.reset_index(drop=True).corr(pd.Series(range(len(median))), method='spearman'):.3f}")
