"""The report's sections, in order: each a heading, a one-line caption saying what to look for
(with the numbers that matter) and its figures. A section whose feature the config lacks is left
out and named in the header instead."""

from __future__ import annotations

import numpy as np

from . import figures, story, warehouse
from .data import ReportData
from .html import Section

HEADINGS = {
    "trajectories": "Trajectories by segment",
    "metrics": "Metrics over time by segment",
    "correlations": "Correlations: planned vs realised",
    "lags": "Lags: planned vs recovered",
    "seasonality": "Seasonality by month",
    "tiers": "SCD2 tier flows",
    "events": "Event rates by segment",
    "calendar": "Weekly calendar",
    "treatment": "Treatment",
    "lifecycle": "Lifecycle: arrivals and endings",
}


def build(data: ReportData) -> tuple[list[Section], list[str]]:
    """(sections present, headings of the features this config does not have)."""
    made = [
        _trajectories(data),
        _metrics(data),
        _correlations(data),
        _lags(data),
        _seasonality(data),
        _tiers(data),
        _events(data),
        _calendar(data),
        _treatment(data),
        _lifecycle(data),
    ]
    present = [s for s in made if s is not None]
    shown = {s.heading for s in present}
    return present, [h for h in HEADINGS.values() if h not in shown]


def _trajectories(data: ReportData) -> Section:
    frame = story.trajectories(data)
    gap = float(np.nanmax(np.abs(frame["from_data"] - frame["entity_mean"])))
    return Section(
        HEADINGS["trajectories"],
        "Black: the segment's archetype; blue: the mean (and 10-90% band) of the entities' own trajectories, which stray by "
        f"timing, amplitude and level; orange: the position read back from the metrics. Orange should track blue "
        f"(largest gap {gap:.2f}).",
        [figures.trajectories(frame, data.segments)],
    )


def _metrics(data: ReportData) -> Section:
    frame = story.metric_bands(data)
    return Section(
        HEADINGS["metrics"],
        "Each metric's realised mean per segment with its 10-90% band; dotted: the planned cell centre. Segments should "
        "separate as their archetypes do, negative-polarity metrics moving against the trajectory.",
        [figures.metric_bands(frame, data.metrics, data.segments)],
    )


def _correlations(data: ReportData) -> Section | None:
    pairs = story.correlations(data)
    if pairs.empty:
        return None
    gap = float((pairs["realised"] - pairs["delivered"]).abs().max())
    return Section(
        HEADINGS["correlations"],
        f"Declared target, the planner's predicted table-wide Pearson (delivered) and the realised Pearson over "
        f"{int(pairs['cells'].max()):,} cells: realised should sit on delivered (largest gap {gap:.3f}).",
        [figures.correlations(pairs, story.realised_matrix(data))],
    )


def _lags(data: ReportData) -> Section | None:
    frame = story.lags(data)
    if frame.empty:
        return None
    found = frame.drop_duplicates(["driver", "follower"])
    agree = int((found["best"] == found["planned"]).sum())
    return Section(
        HEADINGS["lags"],
        "Cross-correlation of segment-mean deviations, follower shifted by k periods: the peak (star) should fall on the "
        f"planned delay (dashed); {agree} of {len(found)} lag(s) peak there.",
        [figures.lags(frame)],
    )


def _seasonality(data: ReportData) -> Section | None:
    frame = story.seasonality(data)
    if not (frame["planned"].fillna(0) != 0).any():
        return None
    return Section(
        HEADINGS["seasonality"],
        "Planned multiplier of the cell centre by month (averaged over the segments and metrics a season moves) against the "
        "realised one: the bars should rise and fall together in the declared months.",
        [figures.seasonality(frame)],
    )


def _tiers(data: ReportData) -> Section | None:
    counts = warehouse.tier_counts(data)
    if counts.empty:
        return None
    realised, planned = warehouse.tier_transitions(data)
    same = "equal" if realised.equals(planned) else "NOT equal"
    return Section(
        HEADINGS["tiers"],
        f"Active entities per tier from the SCD2 dimension's validity ranges, and its tier changes ({int(realised.to_numpy().sum()):,}; "
        f"{same} to truth_scd_events): tiers should fill as the tracked metric grows.",
        [figures.tiers(counts, realised, planned)],
    )


def _events(data: ReportData) -> Section | None:
    frame = warehouse.event_rates(data)
    if frame.empty:
        return None
    return Section(
        HEADINGS["events"],
        "Proportional events: rows per active entity by segment, dotted the planned scale x driver centre (they should "
        "move together). Threshold events: the cumulative share of each segment that has fired.",
        [figures.event_rates(frame, data.segments)],
    )


def _calendar(data: ReportData) -> Section | None:
    slots = warehouse.calendar_slots(data)
    if not slots:
        return None
    distance = 0.5 * (slots["planned"] - slots["realised"]).abs().sum(axis=1)
    return Section(
        HEADINGS["calendar"],
        "Hour-of-week heatmaps: the components (red above uniform, blue below), then per segment the planned slot "
        "distribution (components mixed by its entities' weights) beside the realised event timestamps on one scale "
        "(darker: more events); the pairs should look alike, total variation "
        f"distance at most {distance.max():.3f}.",
        [figures.calendar_components(slots["components"]), figures.calendar_segments(slots["planned"], slots["realised"], slots["events"])],
    )


def _treatment(data: ReportData) -> Section | None:
    frame = warehouse.treatment_arms(data)
    if frame.empty:
        return None
    return Section(
        HEADINGS["treatment"],
        "Mean of each lifted metric by arm; after the start (dashed) the treated arm should pull away by about the "
        "expected effect (titles: realised difference-in-differences vs truth_treatments.expected_effect).",
        [figures.treatment(frame)],
    )


def _lifecycle(data: ReportData) -> Section | None:
    frame = warehouse.lifecycle(data)
    if frame.empty:
        return None
    totals = frame[["arrivals", "endings"]].sum()
    return Section(
        HEADINGS["lifecycle"],
        f"Active entities by segment, and arrivals ({totals['arrivals']:,}) and endings ({totals['endings']:,}) per period: "
        "the base grows as entities arrive and shrinks as terminal events end them.",
        [figures.lifecycle(frame, data.segments)],
    )
