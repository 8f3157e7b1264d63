"""Planned against realised, for the metric story: trajectories, metric bands, correlations, lags
and seasonality. Each function returns a DataFrame the figures draw and the tests check; planned
values come from the truth tables, realised ones from the data tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import ReportData

# Families whose median is the cell centre read it back by the median, the others by the mean.
MEDIAN_FAMILIES = frozenset({"logitnormal", "lognormal", "weibull"})
BAND = (0.1, 0.9)  # quantiles of the spread band


def _location(values: pd.core.groupby.SeriesGroupBy, family: str) -> pd.Series:
    return values.median() if family in MEDIAN_FAMILIES else values.mean()


def centres(data: ReportData) -> pd.DataFrame:
    """truth_centres (each segment's range and each period's loading of the metric included) with each metric's polarity and
    family beside it."""
    metrics = data.truth["truth_metrics"][["metric", "family", "polarity", "follows"]]
    return data.truth["truth_centres"].merge(metrics, on="metric")


def realised_locations(data: ReportData) -> pd.DataFrame:
    """Per segment, period and metric: the planned centre and the realised location of the values
    (median or mean, whichever the family centres on)."""
    rows = []
    for metric, planned in centres(data).groupby("metric", sort=False):
        if metric not in data.cells.columns:
            continue
        location = _location(data.cells.groupby(["segment", "period_index"])[metric], planned["family"].iloc[0])
        merged = planned.merge(location.rename("realised").reset_index(), on=["segment", "period_index"], how="left")
        rows.append(merged)
    return pd.concat(rows, ignore_index=True)


def trajectories(data: ReportData) -> pd.DataFrame:
    """Per segment and period: the planned archetype position, the mean and band of the entities'
    own trajectories (truth_trajectory) and the position read back from the data (each metric's
    realised location with the season taken out, mapped back through loading and polarity; the
    median over the metrics that follow no other)."""
    planned = data.truth["truth_centres"].drop_duplicates(["segment", "period_index"])[["segment", "period_index", "position"]]
    own = data.truth["truth_trajectory"].merge(data.truth["truth_entities"][["entity_id", "segment"]], on="entity_id")
    spread = own.groupby(["segment", "period_index"])["position"].agg(
        entity_mean="mean", entity_low=lambda p: p.quantile(BAND[0]), entity_high=lambda p: p.quantile(BAND[1])
    )
    loc = realised_locations(data)
    loc = loc[loc["follows"].isna() & (loc["trajectory_loading"] > 0)]
    share = (loc["realised"] / (1 + loc["seasonal_lift"]) - loc["centre_low"]) / (loc["centre_high"] - loc["centre_low"])
    effective = 0.5 + (share - 0.5) / loc["trajectory_loading"]
    loc = loc.assign(read_back=np.where(loc["polarity"] == "negative", 1 - effective, effective).clip(0, 1))
    read_back = loc.groupby(["segment", "period_index"])["read_back"].median().rename("from_data")
    out = planned.rename(columns={"position": "planned"}).merge(spread.reset_index(), on=["segment", "period_index"], how="left")
    return out.merge(read_back.reset_index(), on=["segment", "period_index"], how="left")


def metric_bands(data: ReportData) -> pd.DataFrame:
    """Per metric, segment and period: realised mean and the 10-90% band, beside the planned centre."""
    rows = []
    planned = data.truth["truth_centres"][["segment", "period_index", "metric", "centre"]]
    for metric in data.metrics:
        grouped = data.cells.groupby(["segment", "period_index"])[metric]
        stats = pd.DataFrame({"mean": grouped.mean(), "low": grouped.quantile(BAND[0]), "high": grouped.quantile(BAND[1])}).reset_index()
        rows.append(stats.assign(metric=metric).merge(planned, on=["segment", "period_index", "metric"], how="left"))
    return pd.concat(rows, ignore_index=True)


def correlations(data: ReportData) -> pd.DataFrame:
    """Per declared connection: the declared target, the Pearson the planner predicts
    (``delivered``) and the table-wide Pearson realised over every fact cell holding both. A pair
    with a scaled metric (``scaled_by``) is left out: it is planned on the metric's own value."""
    out = data.truth["truth_correlations"][["metric_a", "metric_b", "word", "declared", "delivered"]]
    scaled = {data.plan.metrics[s.metric].name for s in data.plan.scales}
    out = out[~(out["metric_a"].isin(scaled) | out["metric_b"].isin(scaled))].reset_index(drop=True)
    realised, cells = [], []
    for a, b in zip(out["metric_a"], out["metric_b"]):
        both = data.cells[["entity_id", a, b]].dropna() if {a, b} <= set(data.cells.columns) else pd.DataFrame()
        realised.append(both[a].corr(both[b]) if len(both) > 2 else np.nan)
        cells.append(len(both))
    return out.assign(realised=realised, cells=cells, entities=data.cells["entity_id"].nunique())


def realised_matrix(data: ReportData) -> pd.DataFrame:
    return data.cells[data.metrics].corr()


def lags(data: ReportData, max_lag: int = 6) -> pd.DataFrame:
    """Per planned lag and shift k: how strongly the driver's segment-mean series (minus each
    period's mean over segments, so shared trend and season drop out) correlates with the
    follower's k periods later, as the dbt test ``lag_recovered`` measures it."""
    rows = []
    for lag in data.truth["truth_lags"].itertuples():
        if not {lag.driver, lag.follower} <= set(data.cells.columns):
            continue
        series = data.cells.groupby(["segment", "period_index"])[[lag.driver, lag.follower]].mean()
        deviation = (series - series.groupby("period_index").transform("mean")).unstack("segment")
        driver, follower = deviation[lag.driver], deviation[lag.follower]
        for k in range(max(max_lag, lag.delay + 2) + 1):
            a, b = driver.iloc[: len(driver) - k].to_numpy().ravel(), follower.iloc[k:].to_numpy().ravel()
            keep = np.isfinite(a) & np.isfinite(b)
            strength = abs(np.corrcoef(a[keep], b[keep])[0, 1]) if keep.sum() > 2 else np.nan
            rows.append({"driver": lag.driver, "follower": lag.follower, "planned": lag.delay, "shift": k, "strength": strength})
    out = pd.DataFrame(rows, columns=["driver", "follower", "planned", "shift", "strength"])
    best = out.loc[out.groupby(["driver", "follower"])["strength"].idxmax()] if len(out) else out
    return out.merge(best[["driver", "follower", "shift"]].rename(columns={"shift": "best"}), on=["driver", "follower"], how="left")


def seasonality(data: ReportData) -> pd.DataFrame:
    """Per calendar month: the planned seasonal lift of the centre and the realised one, averaged
    over the segment-metric-period cells a season can move (non-zero sensitivity, centre off its
    bounds). A cell's realised lift is its realised location over the location its centre would
    have without the season, normalised by the same ratio in the periods without any season."""
    loc = realised_locations(data)
    span = loc["centre_high"] - loc["centre_low"]
    off_bounds = (loc["centre"] > loc["centre_low"] + 0.02 * span) & (loc["centre"] < loc["centre_high"] - 0.02 * span)
    metric_sens = loc["metric"].map(data.truth["truth_metrics"].set_index("metric")["seasonal_sensitivity"])
    loc = loc[off_bounds & (metric_sens != 0) & loc["realised"].notna()].copy()
    loc["ratio"] = loc["realised"] / (loc["centre"] / (1 + loc["seasonal_lift"]))
    calm = loc[loc["seasonal_lift"] == 0].groupby(["segment", "metric"])["ratio"].mean().rename("calm")
    loc = loc.join(calm, on=["segment", "metric"])
    loc["realised_lift"] = loc["ratio"] / loc["calm"] - 1
    months = data.truth["truth_seasonality"][["period_index", "month"]]
    loc = loc.merge(months, on="period_index")
    out = loc.groupby("month").agg(planned=("seasonal_lift", "mean"), realised=("realised_lift", "median"), cells=("ratio", "size"))
    return out.reindex(range(1, 13)).reset_index()
