"""Every configuration error the product promises: a ConfigError (a ValueError) whose ``.field`` is
the dotted path at fault and whose message names the offending key/value and says how to fix it."""

from __future__ import annotations

import re

import pytest

import plotsim_dbt as ps


def base(**changes):
    kw = dict(
        about="errors",
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
    return kw


def fails(**changes) -> ps.ConfigError:
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**base(**changes))
    err = info.value
    assert isinstance(err, ValueError)
    assert err.message, "ConfigError carries a non-empty message"
    assert str(err).startswith(f"{err.field}: ") if err.field else True
    return err


def two_metrics(second: dict) -> list[dict]:
    return [{"name": "a", "type": "score"}, second]


def seg(archetype: str, **extra) -> list[dict]:
    return [{"name": "up", "count": 5, "archetype": archetype, **extra}]


def test_the_base_config_is_valid():
    assert ps.create(**base()).window.periods == 12


# ---------------------------------------------------------------- unknown keys and words


def test_unknown_top_level_key():
    err = fails(colour="red")
    assert err.field == "colour"
    assert "colour" in str(err)
    assert "unknown key" in err.message and "spelling" in err.message


def test_unknown_key_inside_a_metric():
    err = fails(metrics=two_metrics({"name": "b", "type": "score", "colour": "red"}))
    assert err.field == "metrics.1.colour"
    assert "colour" in str(err)
    assert "unknown key" in err.message


def test_unknown_metric_type():
    err = fails(metrics=two_metrics({"name": "b", "type": "money"}))
    assert err.field == "metrics.1.type"
    for allowed in ("score", "amount", "count", "index"):
        assert allowed in err.message


def test_unknown_distribution():
    err = fails(metrics=two_metrics({"name": "b", "distribution": "cauchy", "range": [0, 1]}))
    assert err.field == "metrics.1.distribution"
    assert "cauchy" in err.message
    for family in ("logitnormal", "lognormal", "weibull", "poisson"):
        assert family in err.message


@pytest.mark.parametrize("key", ["params", "distribution_params"])
def test_distribution_param_not_accepted_by_the_family(key):
    err = fails(metrics=two_metrics({"name": "b", "distribution": "weibull", "range": [0, 1], key: {"s": 0.3}}))
    assert err.field == "metrics.1.distribution_params"
    assert "'s'" in err.message and "weibull" in err.message
    assert "shape" in err.message  # the parameter weibull does take


# ---------------------------------------------------------------- metric ranges and lags


def test_amount_without_range():
    err = fails(metrics=two_metrics({"name": "b", "type": "amount"}))
    assert err.field == "metrics.1.range"
    assert "'b'" in err.message and "amount" in err.message
    assert "range: [" in err.message  # shows how to write one


@pytest.mark.parametrize("bad", [[5, 5], [9, 5]])
def test_range_low_not_below_high(bad):
    err = fails(metrics=two_metrics({"name": "b", "type": "amount", "range": bad}))
    assert err.field == "metrics.1.range"
    assert "'b'" in err.message
    assert "low < high" in err.message
    assert str(float(bad[0])) in err.message and str(float(bad[1])) in err.message


def test_follows_without_delay():
    err = fails(metrics=two_metrics({"name": "b", "type": "score", "follows": "a"}))
    assert err.field == "metrics.1.delay"
    assert "'b'" in err.message
    assert "follows" in err.message and "delay" in err.message


def test_delay_without_follows():
    err = fails(metrics=two_metrics({"name": "b", "type": "score", "delay": 2}))
    assert err.field == "metrics.1.delay"
    assert "'b'" in err.message
    assert "follows" in err.message and "delay" in err.message


def test_follows_an_undeclared_metric():
    err = fails(metrics=two_metrics({"name": "b", "type": "score", "follows": "ghost", "delay": 2}))
    assert err.field == "metrics.1.follows"
    assert "'ghost'" in err.message and "not a declared metric" in err.message


def test_metric_following_itself():
    err = fails(metrics=two_metrics({"name": "b", "type": "score", "follows": "b", "delay": 2}))
    assert err.field == "metrics.1.follows"
    assert "'b'" in err.message and "itself" in err.message


def test_two_metric_follows_cycle():
    err = fails(
        metrics=[
            {"name": "a", "type": "score", "follows": "b", "delay": 1},
            {"name": "b", "type": "score", "follows": "a", "delay": 1},
        ]
    )
    assert err.field == "metrics"
    assert "cycle" in err.message
    assert "a -> b -> a" in err.message


def test_three_metric_follows_cycle():
    err = fails(
        metrics=[
            {"name": "a", "type": "score", "follows": "b", "delay": 1},
            {"name": "b", "type": "score", "follows": "c", "delay": 1},
            {"name": "c", "type": "score", "follows": "a", "delay": 1},
        ]
    )
    assert err.field == "metrics"
    assert "a -> b -> c -> a" in err.message


# ---------------------------------------------------------------- connections


def test_connection_to_an_undeclared_metric():
    err = fails(connections=["a mirrors b", "a mirrors ghost"])
    assert err.field == "connections.1"
    assert "'ghost'" in err.message and "not a declared metric" in err.message


def test_self_connection():
    err = fails(connections=["a mirrors a"])
    assert err.field == "connections.0"
    assert "itself" in err.message and "(a)" in err.message


@pytest.mark.parametrize("second", ["a opposes b", "b opposes a"])
def test_same_pair_connected_twice(second):
    err = fails(connections=["a mirrors b", second])
    assert err.field == "connections.1"
    assert "twice" in err.message
    assert re.search(r"\ba\b", err.message) and re.search(r"\bb\b", err.message)


def test_unknown_connection_word():
    err = fails(connections=["a loves b"])
    assert err.field == "connections.0"
    assert "'loves'" in err.message
    assert "mirrors" in err.message and "[-1, 1]" in err.message


def test_boolean_in_the_middle_of_a_list_connection():
    err = fails(connections=[["a", True, "b"]])
    assert err.field == "connections.0"
    assert "true/false" in err.message
    assert "word or a number" in err.message


@pytest.mark.parametrize(
    "connection, bound",
    [
        ("a 1.5 b", "1"),
        (["a", -1.2, "b"], "-1"),
        ({"metric_a": "a", "coefficient": 1.01, "metric_b": "b"}, "1"),
    ],
)
def test_coefficient_outside_minus_one_to_one(connection, bound):
    err = fails(connections=[connection])
    assert err.field == "connections.0.coefficient"
    assert "coefficient" in str(err)
    assert re.search(rf"(less|greater) than or equal to {re.escape(bound)}\b", err.message)


@pytest.mark.parametrize("text", ["a mirrors", "a mirrors b c", "a"])
def test_connection_string_with_wrong_number_of_tokens(text):
    err = fails(connections=[text])
    assert err.field == "connections.0"
    assert repr(text) in err.message
    assert "'a WORD b'" in err.message


def test_connection_list_with_wrong_number_of_items():
    err = fails(connections=[["a", "b"]])
    assert err.field == "connections.0"
    assert "three items" in err.message


# ---------------------------------------------------------------- archetypes


def test_unknown_archetype_word():
    err = fails(segments=seg("boom"))
    assert err.field == "segments.0.archetype"
    assert "'boom'" in err.message
    assert "growth" in err.message and "decline" in err.message


def test_composition_with_two_shapes_and_no_anchor():
    err = fails(segments=seg("growth > decline"))
    assert err.field == "segments.0.archetype"
    assert "'growth > decline'" in err.message
    assert "2 shapes and 0 anchors" in err.message
    assert "@" in err.message  # shows the anchor syntax


@pytest.mark.parametrize("spec", ["growth > decline @ 12", "growth > decline @ 0", "growth > decline @ 40"])
def test_composition_anchor_out_of_range(spec):
    err = fails(segments=seg(spec))  # 12 periods: anchors must lie in 1..11
    assert err.field == "segments.0.archetype"
    assert repr(spec) in err.message
    assert "between 1 and 11" in err.message


@pytest.mark.parametrize("spec", ["growth > decline > flat @ 6 @ 4", "growth > decline > flat @ 5 @ 5"])
def test_composition_anchors_not_rising(spec):
    err = fails(segments=seg(spec))
    assert err.field == "segments.0.archetype"
    assert repr(spec) in err.message
    assert "rise strictly" in err.message


def test_unknown_curve_parameter():
    err = fails(segments=seg("sigmoid(speed=3)"))
    assert err.field == "segments.0.archetype"
    assert "'speed'" in err.message and "sigmoid" in err.message
    assert "steepness" in err.message  # lists what it does take


def test_curve_parameter_needs_a_number():
    err = fails(segments=seg("plateau(level=high)"))
    assert err.field == "segments.0.archetype"
    assert "level=high" in err.message and "number" in err.message


def test_archetype_error_points_at_the_right_segment():
    segments = [{"name": "ok", "count": 3, "archetype": "growth"}, {"name": "bad", "count": 3, "archetype": "boom"}]
    err = fails(segments=segments)
    assert err.field == "segments.1.archetype"


# ---------------------------------------------------------------- segments, names, attributes


def test_segment_count_zero():
    err = fails(segments=[{"name": "up", "count": 0, "archetype": "growth"}])
    assert err.field == "segments.0.count"
    assert "greater than or equal to 1" in err.message


def test_duplicate_metric_names():
    err = fails(metrics=[{"name": "a", "type": "score"}, {"name": "a", "type": "score"}])
    assert err.field in {"metrics", "metrics.1", "metrics.1.name"}, f"field was {err.field!r}"
    assert "unique" in err.message and "a" in err.message


def test_duplicate_segment_names():
    err = fails(
        segments=[
            {"name": "twin", "count": 3, "archetype": "growth"},
            {"name": "twin", "count": 3, "archetype": "decline"},
        ]
    )
    assert err.field in {"segments", "segments.1", "segments.1.name"}, f"field was {err.field!r}"
    assert "unique" in err.message
    assert "twin" in err.message, "the message should name the repeated segment"


def test_empty_attribute_list():
    err = fails(segments=seg("growth", attributes={"plan": []}))
    assert err.field == "segments.0.attributes"
    assert "'plan'" in err.message and "at least one value" in err.message


# ---------------------------------------------------------------- seasonality, noise, window


@pytest.mark.parametrize("months", [[13], [0, 5], [11, 11]])
def test_bad_seasonality_months(months):
    err = fails(seasonality=[{"months": [1], "strength": 0.1}, {"months": months, "strength": 0.2}])
    assert err.field == "seasonality.1.months"
    assert "distinct" in err.message and "1 to 12" in err.message


def test_unknown_noise_preset():
    err = fails(noise="filthy")
    assert err.field == "noise"
    assert "'filthy'" in err.message
    assert "realistic" in err.message and "mapping" in err.message


def test_window_ending_before_it_starts():
    err = fails(window=("2024-06", "2024-01"))
    assert err.field == "window"
    assert "2024-06" in err.message and "2024-01" in err.message
    assert "before" in err.message


@pytest.mark.parametrize("bad", ["2024-13", "Jan 2024", "2024-02-30", "24-01"])
def test_malformed_window_date(bad):
    err = fails(window=(bad, "2024-12"))
    assert err.field == "window"
    assert repr(bad) in err.message
    assert "YYYY-MM" in err.message


def test_window_with_four_items():
    err = fails(window=("2024-01", "2024-12", "monthly", "extra"))
    assert err.field == "window"
    assert "(start, end)" in err.message


def test_unknown_window_grain():
    err = fails(window=("2024-01", "2024-12", "yearly"))
    assert err.field == "window.every"
    assert "monthly" in err.message and "weekly" in err.message and "daily" in err.message


# ---------------------------------------------------------------- holdout and features


def test_holdout_target_not_a_metric():
    err = fails(holdout={"target": "ghost", "periods": 2})
    assert err.field == "holdout.target"
    assert "'ghost'" in err.message and "not a declared metric" in err.message


def test_holdout_leaving_too_few_training_periods():
    err = fails(holdout={"target": "a", "periods": 10})  # 12 - 10 = 2 < 3
    assert err.field == "holdout.periods"
    assert "10" in err.message and "12" in err.message and "3 training periods" in err.message


def test_holdout_boundary_is_accepted():
    config = ps.create(**base(holdout={"target": "a", "periods": 9}))  # 12 - 9 = 3 == min
    assert config.holdout.periods == 9


def test_entity_features_metric_not_declared():
    err = fails(entity_features={"metrics": ["a", "ghost"]})
    assert err.field == "entity_features.metrics"
    assert "'ghost'" in err.message and "not a declared metric" in err.message


# ---------------------------------------------------------------- YAML files


def test_yaml_file_missing(tmp_path):
    path = tmp_path / "nope.yaml"
    with pytest.raises(ps.ConfigError) as info:
        ps.create_from_yaml(path)
    assert info.value.field == ""
    assert str(path) in str(info.value) and "does not exist" in str(info.value)


@pytest.mark.parametrize("text", ["- just\n- a list\n", "just a string\n", ""])
def test_yaml_file_not_a_mapping(tmp_path, text):
    path = tmp_path / "config.yaml"
    path.write_text(text)
    with pytest.raises(ps.ConfigError) as info:
        ps.create_from_yaml(path)
    assert info.value.field == ""
    assert str(path) in str(info.value) and "mapping" in str(info.value)


def test_yaml_file_with_invalid_syntax(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("about: [unclosed\n")
    with pytest.raises(ps.ConfigError) as info:
        ps.load_config(path)
    assert "invalid YAML" in str(info.value) and str(path) in str(info.value)


def test_yaml_file_errors_keep_the_field_path(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "about: yaml\nunit: account\nwindow: [2024-01, 2024-12]\n"
        "metrics:\n  - {name: a, type: score}\n  - {name: b, type: amount}\n"
        "segments:\n  - {name: up, count: 5, archetype: growth}\n"
    )
    with pytest.raises(ps.ConfigError) as info:
        ps.create_from_yaml(path)
    assert info.value.field == "metrics.1.range"


# ---------------------------------------------------------------- signal shapes (issue 15)


@pytest.mark.parametrize("key, value", [("blend_weight", 0.5), ("decay_window", 3)])
def test_a_lag_shape_without_follows(key, value):
    err = fails(metrics=two_metrics({"name": "b", "type": "score", key: value}))
    assert err.field == f"metrics.1.{key}" and "needs follows and delay" in err.message


@pytest.mark.parametrize(
    "key, value, words",
    [
        ("blend_weight", 1.5, "less than or equal to 1"),
        ("decay_window", 0, "greater than or equal to 1"),
        ("decay_kernel", "cubic", "'geometric' or 'linear'"),
    ],
)
def test_a_lag_shape_out_of_its_domain(key, value, words):
    err = fails(metrics=two_metrics({"name": "b", "type": "score", "follows": "a", "delay": 1, "decay_window": 2, key: value}))
    assert err.field == f"metrics.1.{key}" and words in err.message


def test_a_metrics_own_noise_is_checked_like_the_configs():
    err = fails(metrics=two_metrics({"name": "b", "type": "score", "noise": {"family": "cauchy"}}))
    assert err.field == "metrics.1.noise.family"
    err = fails(metrics=two_metrics({"name": "b", "type": "score", "noise": "spotless"}))
    assert err.field == "metrics.1.noise" and "unknown noise preset" in err.message


@pytest.mark.parametrize(
    "phases, field, words",
    [
        ([{"start_period": 0, "end_period": 12, "connections": ["a mirrors b"]}], "connection_phases.0.end_period", "periods 0 to 11"),
        ([{"start_period": 5, "end_period": 2, "connections": ["a mirrors b"]}], "connection_phases.0.end_period", "before it starts"),
        (
            [
                {"start_period": 0, "end_period": 5, "connections": ["a mirrors b"]},
                {"start_period": 5, "end_period": 8, "connections": ["a inverts b"]},
            ],
            "connection_phases.1",
            "overlaps phase 0",
        ),
        ([{"start_period": 0, "end_period": 5, "connections": ["a mirrors nope"]}], "connection_phases.0.connections.0", "'nope' is not a declared"),
        (
            [{"start_period": 0, "end_period": 5, "connections": ["a mirrors b", "b related a"]}],
            "connection_phases.0.connections.1",
            "connected twice",
        ),
        ([{"start_period": 0, "end_period": 5, "connections": []}], "connection_phases.0.connections", "at least 1"),
    ],
)
def test_connection_phase_errors_name_the_phase(phases, field, words):
    err = fails(connection_phases=phases)
    assert err.field == field and words in err.message, (err.field, err.message)
