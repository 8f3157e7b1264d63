"""Errors of the reference generator's config dialects name the field as the user wrote it
(builder YAML, engine-direct YAML); the features we do not build are refused in one line
naming the field and what to write instead (tests/data/reference_dialect/unsupported/: one file per
feature), after their own shape is validated. See docs/reference_dialects.md."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

import plotsim_dbt as ps
from plotsim_dbt.columns.faker_methods import METHODS
from plotsim_dbt.config.dialects.unsupported import UNSUPPORTED

DATA = Path(__file__).resolve().parents[2] / "data" / "reference_dialect"
BUILDER = DATA / "builder_everything.yaml"
ENGINE = DATA / "engine_everything.yaml"
UNSUPPORTED_FILES = sorted((DATA / "unsupported").glob("*/*.yaml"))


def read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def edited(path: Path, change) -> dict:
    data = copy.deepcopy(read(path))
    change(data)
    return data


def refused(data: dict) -> ps.ConfigError:
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**data)
    assert "\n" not in str(info.value) and str(info.value).startswith(f"{info.value.field}: ")
    return info.value


# ---------------------------------------------------------------- errors name the user's field


def _at(path: str, value):
    def change(data):
        *parents, last = path.split(".")
        node = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[int(last) if isinstance(node, list) else last] = value

    return change


BUILDER_ERRORS = [
    ("events.0.driver", "nope", "events.0.driver", "not a declared metric"),
    ("events.1.for", 0, "events.1.for", "greater than or equal to 1"),
    ("dimensions.1.columns.13.range", [5, 1], "dimensions.1.columns.13.range", "needs min < max"),  # after the dropped dim_date
    ("dimensions.1.columns.14.tracks", "nope", "dimensions.1.columns.14.tracks", "not a declared metric"),
    ("dimensions.2.count", 0, "dimensions.2.count", "greater than or equal to 1"),
    ("dimensions.2.columns.1.type", "ref.dim_nope", "dimensions.2.columns.1.type", "not a declared dimension"),
    ("facts.0.columns.2.name", "occ", "facts.0.columns.2.name", "name the column after its metric"),
    ("facts.0.columns.9.type", "int", "facts.0.columns.9.type", "types a dim_date column"),
    ("metrics.7.distribution_params", {"alpha": 3.0, "gamma": 1.0}, "metrics.7.distribution_params.gamma", "beta takes alpha, beta, scale"),
    ("noise.noise_family", "cauchy", "noise.noise_family", "'gaussian', 'student_t' or 'laplace'"),
    ("dimensions.1.per", "week", "dimensions.1.per", "per is unit or period"),
    ("manifest.include", False, "manifest.include", "always writes manifest.json"),
    ("locale", [], "locale", "give a locale"),
]


@pytest.mark.parametrize("path, value, field, words", BUILDER_ERRORS, ids=[case[0] for case in BUILDER_ERRORS])
def test_builder_errors_name_the_field_as_written(path, value, field, words):
    err = refused(edited(BUILDER, _at(path, value)))
    assert err.field == field and words in err.message


def test_builder_flag_on_a_proportional_event():
    err = refused(edited(BUILDER, lambda d: d["events"][0]["columns"].append({"name": "f", "type": "flag"})))
    assert err.field == "events.0.columns.9.type" and "threshold firing" in err.message


ENGINE_ERRORS = [
    ("colour", "red", "colour", "unknown key"),
    ("metrics.0.colour", "red", "metrics.0.colour", "unknown key"),
    ("metrics.1.params", {"s": 0.3, "mu": 2}, "metrics.1.params.mu", "lognorm takes s, loc, scale"),
    ("metrics.0.params", {"alpha": 2}, "metrics.0.params", "missing beta"),
    ("metrics.1.value_range", {"min": 5000, "max": 200}, "metrics.1.value_range", "min < max"),
    ("metrics.4.params", {"shape": 2.0, "scale": -1.0}, "metrics.4.params", "give value_range"),
    ("metrics.2.causal_lag.driver", "nope", "metrics.2.causal_lag.driver", "not a declared metric"),
    ("archetypes.1.curve_segments.1.start_pct", 0.4, "archetypes.1.curve_segments.1.start_pct", "tile [0, 1]"),
    ("archetypes.0.curve_segments.0.params", {"speed": 3}, "archetypes.0.curve_segments.0.params.speed", "midpoint, steepness, rising"),
    ("entities.2.archetype", "nope", "entities.2.archetype", "not a declared archetype"),
    ("entities.1.name", "acme", "entities.1.name", "declared twice"),
    ("tables.4.columns.3.source", "metric:nope", "tables.4.columns.3.source", "not a declared metric"),
    ("tables.4.columns.3.source", "magic:x", "tables.4.columns.3.source", "unknown source"),
    ("tables.4.columns.1.source", "fk:dim_tenant.id", "tables.4.columns.1.source", "key column is 'tenant_id'"),
    ("tables.5.columns.1.source", "fk:fct_usage.date_key", "tables.5.columns.1.source", "fct_usage has no key column (source pk)"),
    ("tables.4.columns.6.source", "lag:revenue:periods:30", "tables.4.columns.6.source", "a lag needs 1 to 23 periods"),
    ("tables.1.columns.14.source", "range:9:1", "tables.1.columns.14.source", "needs min < max"),
    ("tables.1.columns.13.source", "text:bucket:[a]", "tables.1.columns.13.source", "2 or more distinct labels"),
    ("tables.1.columns.18.scd_type2.labels", ["a", "b"], "tables.1.columns.18.scd_type2.thresholds", "needs 1 cut points"),
    ("tables.1.columns.18.scd_type2.trigger_metric", "fct_usage.nope", "tables.1.columns.18.scd_type2.trigger_metric", "not a declared metric"),
    ("tables.5.columns.2.name", "lat", "tables.5.columns.2.name", "name the column after its metric"),
    ("tables.1.primary_key", "nope", "tables.1.primary_key", "not a column of dim_tenant"),
    ("tables.6.row_count_source", "proportional:engagement:scale:0", "tables.6.row_count_source", "greater than 0"),
    ("tables.2.grain", "per_entity", "tables.2.count", "count applies to variable and per_reference dims"),
    ("correlations.1.metric_b", "nope", "correlations.1", "not a declared metric"),
    ("holdout.target_metric", "nope", "holdout.target_metric", "not a declared metric"),
    ("holdout.holdout_periods", 23, "holdout.holdout_periods", "fewer than 3 training periods"),
    ("time_window.granularity", "hourly", "time_window.granularity", "'monthly', 'weekly' or 'daily'"),
    ("bridges.0.cardinality.max", 40, "bridges.0.cardinality", "exceeds the 6 rows of dim_region"),
    ("bridges.0.connects", ["dim_tenant", "dim_user"], "bridges.0.connects.1", "not a declared reference dimension"),
    ("seasonal_effects.0.months", [13], "seasonal_effects.0.months", "from 1 to 12"),
    ("domain.entity_type", "tenant type", "domain.entity_type", "should match pattern"),
    ("manifest.trajectory_sample_rate", 0.5, "manifest.trajectory_sample_rate", "build_manifest"),
]


@pytest.mark.parametrize("path, value, field, words", ENGINE_ERRORS, ids=[f"{case[0]}={case[1]}" for case in ENGINE_ERRORS])
def test_engine_errors_name_the_field_as_written(path, value, field, words):
    err = refused(edited(ENGINE, _at(path, value)))
    assert err.field == field and words in err.message


def test_engine_archetype_name_too_long_for_a_segment():
    def rename(data):
        data["archetypes"][0]["name"] = "a" * 70
        for entity in data["entities"]:
            entity["archetype"] = "a" * 70 if entity["archetype"] == "climber" else entity["archetype"]

    err = refused(edited(ENGINE, rename))
    assert err.field == "archetypes.0.name"


def test_engine_value_pool_must_cover_every_entity():
    err = refused(edited(ENGINE, lambda d: d["tables"][1]["columns"][16]["value_pool"].pop("acme")))
    assert err.field == "tables.1.columns.16.value_pool" and "'acme' has no values" in err.message


def test_engine_event_without_a_rule():
    err = refused(edited(ENGINE, lambda d: d["tables"][8].pop("row_count_source")))
    assert err.field == "tables.8.row_count_source" and "the reference writes such a table empty" in err.message


# ---------------------------------------------------------------- features we do not build


def _expected(path: Path) -> str:
    """The field the fixture's ``# expect: <field> unsupported`` line names."""
    return re.search(r"^# expect: (\S+) unsupported$", path.read_text(encoding="utf-8"), re.M).group(1)


@pytest.mark.parametrize("path", UNSUPPORTED_FILES, ids=[f"{p.parent.name}/{p.stem}" for p in UNSUPPORTED_FILES])
def test_an_unsupported_feature_is_refused_in_one_line_naming_field_and_fix(path):
    with pytest.raises(ps.ConfigError) as info:
        ps.load_config(path)
    err = info.value
    assert err.field == _expected(path)
    assert "is not supported; " in err.message and "\n" not in str(err) and "more unsupported" not in err.message


def test_every_unsupported_entry_has_a_fixture():
    messages = []
    for path in UNSUPPORTED_FILES:
        with pytest.raises(ps.ConfigError) as info:
            ps.load_config(path)
        messages.append(info.value.message)
    for key, (what, _) in UNSUPPORTED.items():
        prefix = what.split("{")[0]
        assert any(m.startswith(prefix) for m in messages), f"no fixture in tests/data/reference_dialect/unsupported refuses {key!r}"
    assert {p.parent.name for p in UNSUPPORTED_FILES} == {"engine"}


def test_several_unsupported_features_come_as_one_line(tmp_path):
    data = read(DATA / "built" / "engine" / "faker_method.yaml")  # its faker.sentence column is built: not among the refusals
    data["entities"][0]["overrides"] = {"inflection_month": 6}
    data["entities"][1]["cross_dim_fks"] = {"region_id": "r-001"}
    path = tmp_path / "two_unsupported.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ps.ConfigError) as info:
        ps.load_config(path)
    err = info.value
    assert err.field == "entities.0.overrides" and "(and 1 more unsupported feature(s): entities.1.cross_dim_fks)" in err.message


MALFORMED = [
    ("built/builder/arrival_step.yaml", _at("segments.1.arrival.blocks.0.fraction", 0.2), "segments.1.arrival.blocks", "must sum to 1"),
    ("built/builder/arrival_uniform.yaml", _at("segments.0.arrival.kind", "poisson"), "segments.0.arrival.kind", "uniform, linear, step, explicit"),
    ("built/builder/treatment.yaml", _at("segments.0.treatment.fraction", 2), "segments.0.treatment.fraction", "less than or equal to 1"),
    (
        "built/builder/treatment.yaml",
        _at("segments.0.treatment.target_metric", "nope"),
        "segments.0.treatment.target_metric",
        "not a declared metric",
    ),
    ("built/builder/lifecycle.yaml", _at("lifecycle.track", "nope"), "lifecycle.track", "not a declared metric"),
    ("built/builder/lifecycle.yaml", _at("lifecycle.stages", [{"new": 0.5}, {"old": 0.2}]), "lifecycle.stages", "rise strictly"),
    ("built/builder/baseline.yaml", _at("segments.0.baseline.visits", "very_high"), "segments.0.baseline.visits", "'high', 'mid' or 'low'"),
    ("quality/builder_quality_null_injection.yaml", _at("quality.0.table", "fct_nope"), "quality.0.table", "not a declared fact or event table"),
    ("quality/builder_quality_null_injection.yaml", _at("quality.0.column", None), "quality.0.column", "needs the column to corrupt"),
    ("signals/builder/decay_lag.yaml", _at("metrics.1.decay_kernel", "cubic"), "metrics.1.decay_kernel", "'geometric' or 'linear'"),
    ("signals/builder/decay_lag.yaml", _at("metrics.1.follows", None), "metrics.1.delay", "needs follows and delay together"),
    ("signals/builder/connection_phases.yaml", _at("connection_phases.0.end_period", 30), "connection_phases.0.end_period", "periods 0 to 23"),
    (
        "signals/builder/connection_phases.yaml",
        _at("connection_phases.0.connections", ["visits mirrors nope"]),
        "connection_phases.0.connections.0",
        "'nope' is not a declared metric",
    ),
    ("built/builder/child_fact.yaml", _at("facts.1.children_per_row", [3, 1]), "facts.1.children_per_row", "max >= min"),
    ("built/engine/stages.yaml", _at("stages.field", "nope"), "stages.field", "not a declared metric"),
    (
        "quality/engine_quality.yaml",
        _at("quality.quality_issues.0.target_table", "nope"),
        "quality.quality_issues.0.target_table",
        "not a fact or event",
    ),
    (
        "built/engine/metric_overrides.yaml",
        _at("archetypes.0.metric_overrides", {"nope": {}}),
        "archetypes.0.metric_overrides.nope",
        "not a declared metric",
    ),
    ("signals/engine/correlation_phases.yaml", _at("correlation_phases.0.end_period", 40), "correlation_phases.0.end_period", "periods 0 to 23"),
    (
        "built/engine/variable_fact.yaml",
        _at("tables.2.row_count_source", "proportional:nope:scale:2"),
        "tables.2.row_count_source",
        "not a declared metric",
    ),
]


@pytest.mark.parametrize("name, change, field, words", MALFORMED, ids=[f"{m[0]}:{m[2]}" for m in MALFORMED])
def test_malformed_blocks_are_errors_not_refusals(name, change, field, words):
    err = refused(edited(DATA / name, change))
    assert err.field == field and words in err.message and "not supported" not in err.message


# ---------------------------------------------------------------- features built since (issues 12 and 15)

BUILT_FILES = sorted((DATA / "built").glob("*/*.yaml"))


def _built_columns(config: ps.Config) -> list[str]:
    """The first fact's issue-15 columns: a key, a period index or label, a weighted or second entity
    reference, a trajectory-picked pool."""
    seen, found = set(), []
    for c in config.facts[0].columns if config.facts else ():
        again = c.kind == "ref" and c.target in seen
        seen.add(getattr(c, "target", None))
        if c.kind in ("id", "period_index", "period_label") or again or getattr(c, "weights", None) or getattr(c, "pick", "") == "trajectory":
            found.append(c.name)
    return found


@pytest.mark.parametrize("path", BUILT_FILES, ids=[f"{p.parent.name}/{p.stem}" for p in BUILT_FILES])
def test_a_built_feature_in_the_references_dialect_loads_generates_and_validates(path):
    config = ps.load_config(path)
    grained = [f for f in config.facts if f.grain != "entity_period"]
    ranged = any(s.ranges or s.baseline for s in config.segments)
    story = config.lifecycle is not None or any(s.arrival is not None or s.treatment is not None for s in config.segments)
    built = _built_columns(config)
    faked = {(d.name, c.name): c for d in config.dimensions for c in d.columns if c.kind == "faker"}
    bridged = [b for b in config.bridges if b.columns or b.links == "uniform"]
    periodic = [d for d in config.dimensions if d.grain == "period"]
    assert grained or ranged or story or config.sources or built or faked or bridged or periodic, path.name
    tables, state = ps.generate_tables_with_state(config)
    assert ps.validate(config, tables).ok
    if bridged or periodic:  # issue 15: the bridge has its declared columns and links; a period dimension one row per period
        assert all(len(tables[b.name]) > 0 and [c.name for c in b.columns] == list(tables[b.name].columns[2:]) for b in bridged)
        assert all(tables[d.name].iloc[:, 0].tolist() == list(range(1, config.window.periods + 1)) for d in periodic)
        return
    if grained:  # issue 15: variable and child facts have rows (their keys and references are what validate checks)
        assert all(len(tables[f.name]) > 0 for f in grained)
        for fact in (f for f in grained if f.cdc):  # a change feed keyed by the row id: every row inserted once
            feed = tables[fact.name + "_changes"]
            key = next(c.name for c in fact.columns if c.kind == "id")
            assert sorted(feed[feed["_op"] == "insert"].drop_duplicates("_seq")[key]) == sorted(tables[fact.name][key])
        return
    if built:  # issue 15: fact columns (their behaviour: tests/unit/columns/test_fact_columns.py)
        fact = tables[config.facts[0].name]
        assert all(fact[name].notna().all() and fact[name].nunique() > 1 for name in built)
        return
    if faked:  # issue 15: a Faker method fills its column with its kind of value, honouring its arguments
        for (table, name), column in faked.items():
            values = tables[table][name]
            assert values.map(type).eq(METHODS[column.method]).all() and values.nunique() > 1
            if "domain" in column.args:
                assert values.str.endswith("@" + column.args["domain"]).all()
        return
    entities = state.truth["truth_entities"].to_pandas()
    if any(s.arrival is not None for s in config.segments):
        assert entities["start_period"].max() > 0  # some entity arrives late, and has no fact row before
        fact = next(t for name, t in tables.items() if name.startswith("fct_"))
        first_row = fact.merge(tables["dim_date"], on="date_key").groupby(fact.columns[1])["period_index"].min()
        assert (first_row.to_numpy() == entities["start_period"].to_numpy()).all()
    elif config.lifecycle is not None:
        spells = state.truth["truth_lifecycle"].to_pandas()
        assert spells["entity_id"].nunique() == len(entities) and spells["stage"].nunique() > 1
    elif any(s.ranges or s.baseline for s in config.segments):
        centres = state.truth["truth_centres"].to_pandas()
        metrics = state.truth["truth_metrics"].to_pandas().set_index("metric")
        narrowed = (centres["centre_low"] > centres["metric"].map(metrics["centre_low"])) | (
            centres["centre_high"] < centres["metric"].map(metrics["centre_high"])
        )
        assert narrowed.any() and not narrowed.all()
        assert centres["centre"].between(centres["centre_low"], centres["centre_high"]).all()
    elif config.sources:
        resolution = state.truth["truth_entity_resolution"].to_pandas()
        assert set(resolution["source"]) == {s.name for s in config.sources}
        for table, rows in resolution.groupby("source_table"):
            assert len(tables[table]) == len(rows) and set(tables[table]["source_key"]) == set(rows["source_key"])
    else:
        assert entities["treatment_group"].notna().any()


# ---------------------------------------------------------------- signal shapes built since (issue 15)

# fixture -> what it must load as in our model
SIGNALS = {
    "builder/connection_phases": lambda c: (
        [(p.start_period, p.end_period, [x.word for x in p.connections]) for p in c.connection_phases] == [(0, 11, ["mirrors"])]
    ),
    "builder/decay_lag": lambda c: (c.metrics[1].follows, c.metrics[1].decay_window is not None) == ("visits", True),
    "builder/heteroscedastic_noise": lambda c: c.noise.scale_with_trajectory,
    "builder/metric_noise": lambda c: c.metrics[0].noise.gaussian_sigma > 0 and c.metrics[1].noise is None,
    "engine/blended_lag": lambda c: (c.metrics[1].follows, c.metrics[1].blend_weight) == ("visits", 0.6),
    "engine/correlation_phases": lambda c: [(p.start_period, p.end_period) for p in c.connection_phases] == [(0, 5)],
    "engine/decay_lag": lambda c: (c.metrics[1].decay_window, c.metrics[1].decay_kernel, c.metrics[1].delay) == (3, "linear", 1),
    "engine/heteroscedastic_noise": lambda c: c.noise.scale_with_trajectory and c.noise.gaussian_sigma == 0.05,
    "engine/noise_override": lambda c: c.metrics[0].noise.gaussian_sigma == 0.1 and c.metrics[1].noise is None,
}
SIGNAL_FILES = sorted((DATA / "signals").glob("*/*.yaml"))


def test_every_signal_fixture_is_checked():
    assert {f"{p.parent.name}/{p.stem}" for p in SIGNAL_FILES} == set(SIGNALS)


@pytest.mark.parametrize("path", SIGNAL_FILES, ids=[f"{p.parent.name}/{p.stem}" for p in SIGNAL_FILES])
def test_a_signal_shape_in_the_references_dialect_loads_generates_and_validates(path):
    config = ps.load_config(path)
    assert SIGNALS[f"{path.parent.name}/{path.stem}"](config), config
    tables, _ = ps.generate_tables_with_state(config)
    assert ps.validate(config, tables).ok


def _segment_range(truth, segment: str, metric: str) -> list[float]:
    centres = truth["truth_centres"].to_pandas()
    rows = centres[(centres["segment"] == segment) & (centres["metric"] == metric)]
    return [*rows["centre_low"].unique(), *rows["centre_high"].unique()]


def test_a_builder_baseline_narrows_that_segment_to_a_third_of_the_range():
    config = ps.load_config(DATA / "built" / "builder" / "baseline.yaml")  # rising: visits high, sales low
    tables, state = ps.generate_tables_with_state(config)
    assert _segment_range(state.truth, "rising", "visits") == pytest.approx([2 / 3, 1.0])
    assert _segment_range(state.truth, "rising", "sales") == pytest.approx([10.0, 10.0 + 490 / 3])
    assert _segment_range(state.truth, "falling", "sales") == [10.0, 500.0]
    fact = tables["fct_shop"]
    rising = fact[fact["shop_id"] <= 4]  # the first segment's four entities; both metrics are bounded families
    assert rising["visits"].between(2 / 3, 1.0).all() and rising["sales"].between(10.0, 10.0 + 490 / 3).all()


def test_a_builder_baseline_on_a_count_without_range_is_ignored_with_a_warning_as_in_the_reference(tmp_path):
    """The reference skips it (a count's mean has no range to narrow); all six of its templates do it."""
    data = read(DATA / "built" / "builder" / "baseline.yaml")
    data["metrics"].append({"name": "orders", "type": "count", "polarity": "positive"})
    data["segments"][0]["baseline"]["orders"] = "high"
    path = tmp_path / "count_baseline.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.warns(UserWarning, match=r"segments\.0\.baseline\.orders: 'orders' is a count without a range"):
        config = ps.load_config(path)
    assert config.segments[0].baseline == {"visits": "high", "sales": "low"}
    data["metrics"][-1]["range"] = [0, 30]  # with a range it narrows, as the others do
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert ps.load_config(path).segments[0].baseline["orders"] == "high"


def test_an_engine_metric_override_range_narrows_its_archetypes_segment():
    config = ps.load_config(DATA / "built" / "engine" / "metric_overrides.yaml")  # up: visits in [0.5, 1.0]
    tables, state = ps.generate_tables_with_state(config)
    assert _segment_range(state.truth, "up", "visits") == [0.5, 1.0]
    assert _segment_range(state.truth, "down", "visits") == [0.0, 1.0]
    fact = tables["fct_shop"]
    assert fact.loc[fact["shop_id"] <= 2, "visits"].between(0.5, 1.0).all()  # beta is bounded by the segment's range


@pytest.mark.parametrize(
    "override, field, words",
    [
        ({"value_range": {"min": 0.5, "max": 1.5}}, "archetypes.0.metric_overrides.visits.value_range", "inside the range [0.0, 1.0]"),
        ({"distribution": "gamma"}, "archetypes.0.metric_overrides.visits.distribution", "per-archetype distribution is not supported"),
        ({"params": {"alpha": 3.0, "beta": 5.0}}, "archetypes.0.metric_overrides.visits.params", "per-archetype params is not supported"),
    ],
)
def test_a_metric_override_the_segment_cannot_take_is_one_error_naming_it(override, field, words):
    data = read(DATA / "built" / "engine" / "metric_overrides.yaml")
    data["archetypes"][0]["metric_overrides"]["visits"] = override
    err = refused(data)
    assert err.field == field and words in err.message, (err.field, err.message)


def test_a_metric_override_repeating_the_metrics_own_family_is_accepted():
    data = read(DATA / "built" / "engine" / "metric_overrides.yaml")
    data["archetypes"][0]["metric_overrides"]["visits"].update(distribution="beta", params={"alpha": 2.0, "beta": 5.0})
    assert ps.create(**data).segments[0].ranges == {"visits": (0.5, 1.0)}
