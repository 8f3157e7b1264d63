"""Planned against realised, for the warehouse's tables: SCD2 tiers, event rates, the weekly
calendar, treatment arms and the entities' lifecycle. Each function returns plain frames (empty
when the config has no such feature); planned values come from the truth tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..columns.timestamps import TimestampPlan
from ..plan.tables import EventTable
from .data import ReportData

SLOTS = 168  # hour-of-week slots, Monday 00:00 = 0


def _periods(data: ReportData) -> pd.DataFrame:
    return data.tables["dim_date"][["date_key", "date", "period_index"]]


def tier_counts(data: ReportData) -> pd.DataFrame:
    """Entities per tier at each period start (period x tier): realised from the SCD2 dimension's
    valid_from / valid_to, active versions only; empty without an SCD2 column."""
    table = data.plan.entity_table
    if table.scd is None:
        return pd.DataFrame()
    dim = data.tables[table.name]
    starts = pd.to_datetime(_periods(data)["date"]).to_numpy()
    valid_from = pd.to_datetime(dim["valid_from"]).to_numpy()
    valid_to = pd.to_datetime(dim["valid_to"].where(dim["valid_to"].notna(), pd.Timestamp.max.date())).to_numpy()
    if "status" in dim.columns:  # an ended entity's last version covers only its end period (it lives through it)
        ended = (dim["status"] != "active").to_numpy()
        after = np.append(starts[1:], np.datetime64(pd.Timestamp.max))[np.searchsorted(starts, valid_from)]
        valid_to = np.where(ended, after, valid_to)
    in_force = (valid_from[None, :] <= starts[:, None]) & (starts[:, None] < valid_to[None, :])
    labels = dim[table.scd.name].to_numpy()
    tiers = list(table.scd.accepted_values or pd.unique(labels))
    counts = {tier: (in_force & (labels == tier)[None, :]).sum(axis=1) for tier in tiers}
    return pd.DataFrame(counts, index=pd.Index(_periods(data)["period_index"], name="period_index"))


def tier_transitions(data: ReportData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(realised, planned) counts of tier changes, old tier x new tier: realised from consecutive
    versions of an entity in the dimension, planned from truth_scd_events."""
    table = data.plan.entity_table
    if table.scd is None:
        return pd.DataFrame(), pd.DataFrame()
    tiers = list(table.scd.accepted_values or [])
    dim = data.tables[table.name].sort_values([table.key, "dim_row_id"])
    old = dim.groupby(table.key)[table.scd.name].shift()
    changed = old.notna() & (old != dim[table.scd.name])
    realised = pd.crosstab(old[changed], dim.loc[changed, table.scd.name]).reindex(index=tiers, columns=tiers, fill_value=0)
    events = data.truth["truth_scd_events"]
    planned = pd.crosstab(events["old_label"], events["new_label"]).reindex(index=tiers, columns=tiers, fill_value=0)
    return realised.rename_axis(index="from", columns="to"), planned.rename_axis(index="from", columns="to")


def active_entities(data: ReportData) -> pd.DataFrame:
    """Entities with a fact row, per period (rows) and segment (columns)."""
    return data.cells.groupby(["period_index", "segment"])["entity_id"].nunique().unstack("segment", fill_value=0)


def event_rates(data: ReportData) -> pd.DataFrame:
    """Per event table, segment and period: realised rows per active entity, and the planned rate
    (proportional events: scale x the driver's planned centre; threshold events: none, their
    rows are read as the cumulative share of the segment that has fired)."""
    periods = _periods(data).set_index("date_key")["period_index"]
    active = active_entities(data).stack().rename("active")
    names = np.array(data.segments)
    centres = data.truth["truth_centres"].set_index(["segment", "period_index", "metric"])["centre"]
    rows = []
    for table in data.plan.tables_of(EventTable):
        events = data.tables[table.name]
        segment = names[data.plan.entity_segment[events[table.entity_column].to_numpy(np.int64) - 1]]
        period = periods.loc[events[table.date_column]].to_numpy() if table.date_column else np.zeros(len(events), int)
        counts = pd.Series(1, index=pd.MultiIndex.from_arrays([period, segment], names=["period_index", "segment"])).groupby(level=[0, 1]).sum()
        frame = pd.concat([active, counts.rename("events")], axis=1).fillna(0).reset_index()
        sizes = frame["segment"].map(dict(zip(data.segments, data.plan.segment_counts))) * data.sampled / data.plan.entity_count
        if table.scale is not None:
            frame["rate"] = frame["events"] / frame["active"].where(frame["active"] > 0)
            driver = data.plan.metrics[table.metric].name
            frame["planned"] = table.scale * centres.reindex(list(zip(frame["segment"], frame["period_index"], [driver] * len(frame)))).to_numpy()
        else:
            frame = frame.sort_values(["segment", "period_index"])
            frame["rate"] = frame.groupby("segment")["events"].cumsum() / sizes.loc[frame.index]
            frame["planned"] = np.nan
        rows.append(frame.assign(table=table.name, kind="proportional" if table.scale is not None else "threshold"))
    columns = ["table", "kind", "segment", "period_index", "active", "events", "rate", "planned"]
    return pd.concat(rows, ignore_index=True)[columns] if rows else pd.DataFrame(columns=columns)


def calendar_slots(data: ReportData) -> dict[str, pd.DataFrame]:
    """The weekly calendar: ``components`` (component x slot probabilities), and per segment
    (rows) x slot: ``planned`` (the components mixed by the segment's entity weights, each entity
    weighted by its placed events) and ``realised`` (the share of placed event timestamps in each
    hour-of-week slot). Empty without a calendar."""
    calendar = data.plan.calendar
    if calendar is None:
        return {}
    components = data.truth["truth_calendar_components"].pivot(index="component", columns="slot", values="probability")
    components = components.reindex(list(calendar.names))
    firings = data.truth["truth_event_firings"]
    weight = firings[firings["event_table"].isin(calendar.events)].groupby("entity_id")["events"].sum()
    mixtures = data.truth["truth_calendar_mixtures"].pivot(index="entity_id", columns="component", values="weight")[list(calendar.names)]
    entities = data.truth["truth_entities"].set_index("entity_id")["segment"]
    weighted = mixtures.mul(weight.reindex(mixtures.index, fill_value=0), axis=0).groupby(entities).sum()
    planned = weighted.div(weighted.sum(axis=1), axis=0) @ components
    realised = []
    names = np.array(data.segments)
    for table in data.plan.tables_of(EventTable):
        if table.name not in calendar.events:
            continue
        stamp = next(c.name for c in table.columns if isinstance(c, TimestampPlan))
        events = data.tables[table.name]
        when = pd.to_datetime(events[stamp])
        segment = names[data.plan.entity_segment[events[table.entity_column].to_numpy(np.int64) - 1]]
        realised.append(pd.DataFrame({"segment": segment, "slot": when.dt.day_of_week.to_numpy() * 24 + when.dt.hour.to_numpy()}))
    slots = pd.concat(realised).groupby(["segment", "slot"]).size().unstack("slot", fill_value=0).reindex(columns=range(SLOTS), fill_value=0)
    order = [s for s in data.segments if s in slots.index]
    return {
        "components": components,
        "planned": planned.reindex(order),
        "realised": slots.div(slots.sum(axis=1), axis=0).reindex(order),
        "events": slots.sum(axis=1).reindex(order),
    }


def treatment_arms(data: ReportData) -> pd.DataFrame:
    """Per treated segment and directly lifted metric, per arm and period: the realised mean, with
    the planned ``expected_effect`` and the realised difference-in-differences beside it."""
    plans = data.truth["truth_treatments"]
    plans = plans[plans["direct"]]
    entities = data.truth["truth_entities"][["entity_id", "treatment_group"]]
    rows = []
    for t in plans.itertuples():
        cells = data.cells[data.cells["segment"] == t.segment].merge(entities, on="entity_id")
        if t.metric not in cells.columns:
            continue
        means = cells.groupby(["treatment_group", "period_index"])[t.metric].mean().rename("mean").reset_index()
        after = cells["period_index"] >= t.start_period
        change = cells[after].groupby("entity_id")[t.metric].mean() - cells[~after].groupby("entity_id")[t.metric].mean()
        arm = entities.set_index("entity_id")["treatment_group"].reindex(change.index)
        did = change[arm == t.treatment_label].mean() - change[arm == t.control_label].mean()
        rows.append(
            means.assign(
                segment=t.segment,
                metric=t.metric,
                start_period=t.start_period,
                treated_label=t.treatment_label,
                expected_effect=t.expected_effect,
                realised_effect=did,
            )
        )
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def lifecycle(data: ReportData) -> pd.DataFrame:
    """Per segment and period: entities active (with fact rows), arriving (their start period) and
    ending (their end period, by a terminal event). Empty when every entity lives the whole window."""
    entities = data.truth["truth_entities"]
    if not ((entities["start_period"] > 0).any() or entities["end_period"].notna().any()):
        return pd.DataFrame()
    arrivals = entities[entities["start_period"] > 0].groupby(["segment", "start_period"]).size().rename("arrivals")
    endings = entities.dropna(subset=["end_period"]).astype({"end_period": int}).groupby(["segment", "end_period"]).size().rename("endings")
    active = active_entities(data).stack().rename("active").swaplevel()
    out = pd.concat([active, arrivals.rename_axis(["segment", "period_index"]), endings.rename_axis(["segment", "period_index"])], axis=1)
    return out.fillna(0).astype(int).reset_index().rename(columns={"level_0": "segment", "level_1": "period_index"})
