"""Accepted spellings of config values: windows, connections, noise, output, entity features,
engine-direct YAML, and the immutable-config workflow (model_copy, dump/load round-trip)."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

import plotsim_dbt as ps


def make(**changes) -> ps.Config:
    kw = dict(
        about="forms",
        unit="account",
        window=("2024-01", "2024-12"),
        metrics=[
            {"name": "a", "type": "score"},
            {"name": "b", "type": "amount", "range": [10, 500]},
            {"name": "c", "type": "score"},
        ],
        segments=[{"name": "up", "count": 5, "archetype": "growth"}],
    )
    kw.update(changes)
    return ps.create(**kw)


def iso_weeks_between(start: dt.date, end: dt.date) -> int:
    first = start - dt.timedelta(days=start.weekday())
    last = end - dt.timedelta(days=end.weekday())
    return (last - first).days // 7 + 1


# ---------------------------------------------------------------- window


@pytest.mark.parametrize(
    "window",
    [
        ("2024-01", "2024-12"),
        ["2024-01", "2024-12"],
        ("2024-01", "2024-12", "monthly"),
        ["2024-01", "2024-12", "monthly"],
        {"start": "2024-01", "end": "2024-12"},
        {"start": "2024-01", "end": "2024-12", "every": "monthly"},
    ],
)
def test_window_forms_are_equivalent(window):
    config = make(window=window)
    assert (config.window.start, config.window.end, config.window.every) == ("2024-01", "2024-12", "monthly")
    assert config.window.periods == 12


def test_window_monthly_spanning_years():
    assert make(window=("2023-11", "2024-02")).window.periods == 4


@pytest.mark.parametrize(
    "start, end, first, last",
    [
        ("2024-01", "2024-03", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("2024-01-03", "2024-02-14", dt.date(2024, 1, 3), dt.date(2024, 2, 14)),
        ("2023-12", "2024-01", dt.date(2023, 12, 1), dt.date(2024, 1, 31)),
    ],
)
def test_weekly_window_counts_iso_weeks(start, end, first, last):
    config = make(window=(start, end, "weekly"))
    assert config.window.every == "weekly"
    assert config.window.periods == iso_weeks_between(first, last)


def test_weekly_q1_2024_is_thirteen_weeks():
    # Mondays 2024-01-01 .. 2024-03-25 (2024-03-31 is a Sunday).
    assert make(window=("2024-01", "2024-03", "weekly")).window.periods == 13


@pytest.mark.parametrize(
    "window, days",
    [
        (("2024-01", "2024-03", "daily"), 31 + 29 + 31),  # leap year February
        (("2023-02", "2023-02", "daily"), 28),
        (("2024-01-15", "2024-02-10", "daily"), 27),
        ({"start": "2024-03-01", "end": "2024-03-01", "every": "daily"}, 1),
    ],
)
def test_daily_window_counts_days(window, days):
    assert make(window=window).window.periods == days


def test_window_dates_read_by_yaml_as_dates(tmp_path):
    # YAML turns 2024-01-15 into a datetime.date; the window must still accept it.
    path = tmp_path / "c.yaml"
    path.write_text(
        "about: yaml dates\nunit: account\n"
        "window: {start: 2024-01-15, end: 2024-03-10, every: daily}\n"
        "metrics: [{name: a, type: score}]\n"
        "segments: [{name: up, count: 2, archetype: growth}]\n"
    )
    config = ps.load_config(path)
    assert (config.window.start, config.window.end) == ("2024-01-15", "2024-03-10")
    assert config.window.periods == (dt.date(2024, 3, 10) - dt.date(2024, 1, 15)).days + 1


# ---------------------------------------------------------------- connections


@pytest.mark.parametrize(
    "connection",
    [
        "a mirrors b",
        ["a", "mirrors", "b"],
        ("a", "mirrors", "b"),
        {"metric_a": "a", "relationship": "mirrors", "metric_b": "b"},
    ],
)
def test_connection_word_forms(connection):
    (conn,) = make(connections=[connection]).connections
    assert (conn.metric_a, conn.metric_b, conn.word) == ("a", "b", "mirrors")
    assert conn.coefficient == pytest.approx(0.75)


@pytest.mark.parametrize(
    "word, sign",
    [
        ("mirrors", 1),
        ("driven_by", 1),
        ("related", 1),
        ("hints_at", 1),
        ("independent", 0),
        ("hints_against", -1),
        ("resists", -1),
        ("opposes", -1),
        ("inverts", -1),
    ],
)
def test_connection_words_have_the_promised_sign(word, sign):
    (conn,) = make(connections=[f"a {word} b"]).connections
    assert conn.word == word
    assert -1.0 <= conn.coefficient <= 1.0
    assert (conn.coefficient > 0) - (conn.coefficient < 0) == sign


def test_connection_words_are_ordered_by_strength():
    words = ["inverts", "opposes", "resists", "hints_against", "independent", "hints_at", "related", "driven_by", "mirrors"]
    values = [make(connections=[f"a {w} b"]).connections[0].coefficient for w in words]
    assert values == sorted(values) and len(set(values)) == len(values)


@pytest.mark.parametrize(
    "connection, coefficient",
    [
        ("a 0.42 b", 0.42),
        ("a -0.3 b", -0.3),
        ("a 1 b", 1.0),
        ("a -1 b", -1.0),
        (["a", 0.42, "b"], 0.42),
        (["a", "-0.25", "b"], -0.25),
        ({"metric_a": "a", "coefficient": -0.3, "metric_b": "b"}, -0.3),
        ({"metric_a": "a", "relationship": 0.6, "metric_b": "b"}, 0.6),
    ],
)
def test_connection_numeric_forms(connection, coefficient):
    (conn,) = make(connections=[connection]).connections
    assert (conn.metric_a, conn.metric_b) == ("a", "b")
    assert conn.coefficient == pytest.approx(coefficient)
    assert conn.word is None


def test_mixed_connection_forms_in_one_list():
    config = make(connections=["a mirrors b", ["a", -0.2, "c"], {"metric_a": "b", "coefficient": 0.1, "metric_b": "c"}])
    assert [(c.metric_a, c.metric_b) for c in config.connections] == [("a", "b"), ("a", "c"), ("b", "c")]
    assert [c.coefficient for c in config.connections] == pytest.approx([0.75, -0.2, 0.1])


# ---------------------------------------------------------------- noise


def noise_triple(noise) -> tuple[float, float, float]:
    n = make(noise=noise).noise
    return (n.gaussian_sigma, n.outlier_rate, n.mcar_rate)


def test_default_noise_is_clean():
    n = make().noise
    assert (n.gaussian_sigma, n.outlier_rate, n.mcar_rate) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("name", ["clean", "perfectly_clean", "Clean", " CLEAN "])
def test_clean_preset_adds_no_noise(name):
    assert noise_triple(name) == (0.0, 0.0, 0.0)


def test_presets_rise_in_messiness():
    slightly, realistic, dirty = (noise_triple(n) for n in ("slightly_messy", "realistic", "dirty"))
    for i in range(3):
        assert 0.0 < slightly[i] < realistic[i] < dirty[i] <= 1.0


@pytest.mark.parametrize(
    "spelling, canonical",
    [
        ("messy", "realistic"),
        ("very_messy", "dirty"),
        ("Slightly messy", "slightly_messy"),
        ("slightly messy", "slightly_messy"),
        ("  Dirty ", "dirty"),
        ("Very messy", "dirty"),
        ("REALISTIC", "realistic"),
    ],
)
def test_noise_aliases_and_loose_spellings(spelling, canonical):
    assert noise_triple(spelling) == noise_triple(canonical)


def test_noise_numeric_mapping():
    n = make(noise={"gaussian_sigma": 0.2, "outlier_rate": 0.1, "mcar_rate": 0.05, "family": "student_t"}).noise
    assert (n.gaussian_sigma, n.outlier_rate, n.mcar_rate, n.family) == (0.2, 0.1, 0.05, "student_t")


# ---------------------------------------------------------------- output and entity features


def test_output_defaults_to_csv():
    assert (make().output.format, make().output.directory) == ("csv", "output")


@pytest.mark.parametrize("word", ["csv", "parquet"])
def test_output_as_a_word(word):
    output = make(output=word).output
    assert output.format == word
    assert output.directory == "output"


def test_output_as_a_mapping():
    output = make(output={"format": "parquet", "directory": "out/dir"}).output
    assert (output.format, output.directory) == ("parquet", "out/dir")


def test_entity_features_true_means_all_metrics_with_labels():
    features = make(entity_features=True).entity_features
    assert features is not None
    assert features.metrics == [] and features.include_labels is True


@pytest.mark.parametrize("off", [False, None])
def test_entity_features_false_turns_them_off(off):
    assert make(entity_features=off).entity_features is None


def test_entity_features_mapping():
    features = make(entity_features={"metrics": ["a", "c"], "include_labels": False}).entity_features
    assert features.metrics == ["a", "c"] and features.include_labels is False


# ---------------------------------------------------------------- engine-direct YAML


ENGINE_YAML = """\
about: engine spelling
unit: machine
window: {start: 2024-01, end: 2024-06}
metrics:
  - name: time_to_failure
    distribution: weibull
    params: {shape: 2.0}
    value_range: {min: 1, max: 100}
  - name: load
    type: score
segments:
  - {name: fleet, count: 4, archetype: decline}
"""


def test_engine_direct_weibull_metric_loads(tmp_path):
    path = tmp_path / "engine.yaml"
    path.write_text(ENGINE_YAML)
    config = ps.load_config(path)
    metric = config.metrics[0]
    assert metric.name == "time_to_failure"
    assert metric.distribution == "weibull" and metric.family == "weibull"
    assert metric.distribution_params == {"shape": 2.0}
    assert metric.range == (1.0, 100.0) and metric.bounds == (1.0, 100.0)
    assert config.window.periods == 6 and config.entity_table == "dim_machine"


def test_engine_and_builder_spellings_give_the_same_config(tmp_path):
    path = tmp_path / "engine.yaml"
    path.write_text(ENGINE_YAML)
    engine = ps.create_from_yaml(path)
    builder = ps.create(
        about="engine spelling",
        unit="machine",
        window={"start": "2024-01", "end": "2024-06"},
        metrics=[
            {"name": "time_to_failure", "distribution": "weibull", "distribution_params": {"shape": 2.0}, "range": [1, 100]},
            {"name": "load", "type": "score"},
        ],
        segments=[{"name": "fleet", "count": 4, "archetype": "decline"}],
    )
    assert engine == builder


# ---------------------------------------------------------------- immutability and round-trip


def test_model_copy_changes_only_the_seed():
    original = make(seed=3, connections=["a mirrors b"], noise="realistic")
    copy = original.model_copy(update={"seed": 7})
    assert copy.seed == 7 and original.seed == 3
    assert copy.model_dump(exclude={"seed"}) == original.model_dump(exclude={"seed"})
    assert copy != original


def test_config_is_immutable():
    config = make(seed=3)
    with pytest.raises((ValidationError, TypeError, AttributeError)):
        config.seed = 5
    with pytest.raises((ValidationError, TypeError, AttributeError)):
        config.window = ("2020-01", "2020-02")
    assert config.seed == 3


def test_nested_models_are_immutable():
    config = make()
    with pytest.raises((ValidationError, TypeError, AttributeError)):
        config.metrics[0].name = "z"
    with pytest.raises((ValidationError, TypeError, AttributeError)):
        config.window.every = "daily"
    assert config.metrics[0].name == "a" and config.window.every == "monthly"


def rich_config() -> ps.Config:
    return make(
        window=("2024-01-15", "2024-06-30", "weekly"),
        metrics=[
            {"name": "a", "type": "score", "label": "Engagement: höch"},
            {"name": "b", "type": "amount", "range": [10, 500], "follows": "a", "delay": 2, "polarity": "negative"},
            {"name": "c", "distribution": "weibull", "range": [1, 100], "params": {"shape": 2.0}},
            {"name": "d", "type": "count", "seasonal_sensitivity": -0.5},
        ],
        segments=[
            {"name": "up", "count": 5, "archetype": "growth > decline @ 6", "attributes": {"plan": ["a", "b"], "tier": 1}},
            {"name": "flat", "count": 2, "archetype": "plateau(level=0.3)", "label": "Flat ones"},
        ],
        connections=["a mirrors b", ["a", -0.3, "c"]],
        seasonality=[{"months": [11, 12], "strength": 0.3}],
        noise="realistic",
        seed=42,
        output="parquet",
        holdout={"target": "a", "periods": 2},
        entity_features={"metrics": ["a", "b"]},
    )


@pytest.mark.parametrize("factory", [make, rich_config])
def test_dump_config_round_trips(tmp_path, factory):
    original = factory()
    path = tmp_path / "dumped.yaml"
    path.write_text(ps.dump_config(original), encoding="utf-8")
    assert ps.create_from_yaml(path) == original


def test_dump_config_uses_builder_keys():
    text = ps.dump_config(rich_config())
    assert "distribution_params:" in text and "range:" in text
    assert "value_range" not in text and "params:" not in text.replace("distribution_params:", "")
