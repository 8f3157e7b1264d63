"""``narrative``: phrases from the segment's lexicon, in the band of the row's trajectory position."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from breadth_helpers import BANDS, LEXICON, PERIODS, SENTIMENT, breadth_config, breadth_kwargs, own_positions

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow

FIXTURES = Path(__file__).parents[2] / "data" / "reference_dialect" / "columns"


@pytest.fixture(scope="module")
def run():
    return generate_arrow(breadth_config())


def test_each_phrase_comes_from_the_band_of_the_rows_position(run):
    tables, state = run
    fact = tables["fct_shop"].to_pandas()
    position = own_positions(state)
    entity = fact["shop_id"].to_numpy().astype(int) - 1
    period = np.tile(np.arange(PERIODS), state.plan.entity_count)[: len(fact)]
    assert len(fact) == state.plan.entity_count * PERIODS  # every entity every period, in order
    band = np.minimum((np.clip(position[entity, period], 0, 1) * len(BANDS)).astype(int), len(BANDS) - 1)
    for text, b in zip(fact["review"], band):
        tone, close = text.split(" month, ")
        assert tone in LEXICON["tone"][BANDS[b]] and close in LEXICON["close"][BANDS[b]]


def test_sentiment_rises_with_position(run):
    """Rank correlation of the phrase's band with the position; the bound is 4 standard errors
    of a null correlation (1/sqrt(n)) above zero, and a grower's text turns happier."""
    tables, state = run
    fact = tables["fct_shop"].to_pandas()
    score = np.array([SENTIMENT[t.split(" month")[0]] for t in fact["review"]], dtype=float)
    position = own_positions(state).ravel()
    n = len(score)
    r = np.corrcoef(score, position)[0, 1]
    assert r > 0.5 and r > 4 / np.sqrt(n)
    by_entity = score.reshape(-1, PERIODS)
    growers = state.plan.entity_segment == 0
    assert by_entity[growers, -3:].mean() > by_entity[growers, :3].mean() + 1
    assert by_entity[~growers, -3:].mean() < by_entity[~growers, :3].mean() - 1


def test_phrases_within_a_band_are_all_used(run):
    tables, _ = run
    seen = {t.split(" month")[0] for t in tables["fct_shop"].column("review").to_pylist()}
    assert seen == set(SENTIMENT)


def test_segment_lexicon_wins_over_default():
    own = {"tone": {b: [f"rising {b}"] for b in BANDS}, "close": {b: ["!"] for b in BANDS}}
    kw = breadth_kwargs()
    kw["facts"][0]["columns"][3]["lexicons"] = {"rising": own, "default": LEXICON}
    tables, state = generate_arrow(ps.create(**kw))
    review = np.array(tables["fct_shop"].column("review").to_pylist()).reshape(-1, PERIODS)
    growers = state.plan.entity_segment == 0
    assert all(t.startswith("rising ") for t in review[growers].ravel())
    assert not any(t.startswith("rising ") for t in review[~growers].ravel())


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda c: c.update(lexicons={"rising": LEXICON}), "facts.0.columns.3.lexicons", "'falling' has no lexicon"),
        (lambda c: c.update(lexicons={"nobody": LEXICON, "default": LEXICON}), "facts.0.columns.3.lexicons.nobody", "not a segment"),
        (lambda c: c.update(template="{tone} and {tone}"), "facts.0.columns.3", "repeats a slot"),
        (lambda c: c.update(template="no slots"), "facts.0.columns.3", "at least one {slot}"),
        (
            lambda c: c.update(lexicons={"default": {**LEXICON, "tone": {"low": ["x"], "mid": ["y"]}}}),
            "facts.0.columns.3",
            "lexicons.default.tone.high",
        ),
    ],
)
def test_bad_narrative_is_one_clear_error(change, field, words):
    kw = breadth_kwargs()
    change(kw["facts"][0]["columns"][3])
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**kw)
    assert info.value.field.startswith(field) and words in str(info.value)


def test_a_narrative_column_cannot_sit_on_a_dimension():
    kw = breadth_kwargs()
    kw["dimensions"][0]["columns"].append({"name": "blurb", "type": "narrative", "template": "{tone}, {close}", "lexicons": {"default": LEXICON}})
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**kw)
    assert info.value.field == "dimensions.0.columns.2.type"


@pytest.mark.parametrize("dialect", ["builder", "engine"])
def test_the_reference_narrative_loads_and_generates(dialect):
    config = ps.load_config(FIXTURES / dialect / "narrative.yaml")
    tables, _ = generate_arrow(config)
    notes = set(tables["fct_shop"].column("note").to_pylist())
    assert notes and notes <= {"a slow month", "a steady month", "a busy month"} and len(notes) > 1


def test_the_dbt_patterns_match_exactly_the_texts_of_their_band(run):
    """The scaffold's regular expressions (narrative_matches_truth): every text matches its own
    segment and band's pattern and no other band's."""
    import re

    tables, state = run
    plan = next(c for c in state.plan.tables["fct_shop"].columns if c.name == "review")
    patterns = {(segment, band): re.compile(p) for segment, band, p in plan.patterns()}
    position = np.clip(own_positions(state).ravel(), 0, 1)
    band = np.minimum((position * len(BANDS)).astype(int), len(BANDS) - 1)
    segments = np.repeat(np.array(["rising", "falling"])[state.plan.entity_segment], PERIODS)
    for text, segment, b in zip(tables["fct_shop"].column("review").to_pylist(), segments, band):
        assert [k for k in range(len(BANDS)) if patterns[segment, k].fullmatch(text)] == [b]
