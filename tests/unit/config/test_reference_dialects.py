"""The reference generator's two config dialects (plotsim 0.7: builder YAML, the ``create(**kw)``
keys, and engine-direct YAML) load unchanged into our one Config through ``create``,
``create_from_yaml`` and ``load_config``: they generate and validate; errors name the field as
the user wrote it (test_reference_dialect_errors.py, with the refusal of features not built yet);
our own spelling is unaffected; the reference's soft warnings are raised. The mapping is
documented in docs/reference_dialects.md."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

import numpy as np
import pytest
import yaml

import plotsim_dbt as ps
from plotsim_dbt.cli.main import main
from plotsim_dbt.config import Config
from plotsim_dbt.config.dialects import dialect_of
from plotsim_dbt.plan.curves import evaluate
from plotsim_dbt.plan.resolve import resolve_plan
from plotsim_dbt.templates import list_templates, template_path

DATA = Path(__file__).resolve().parents[2] / "data" / "reference_dialect"
BUILDER = DATA / "builder_everything.yaml"
ENGINE = DATA / "engine_everything.yaml"


def read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_quietly(path: Path) -> Config:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return ps.load_config(path)


def edited(path: Path, change) -> dict:
    data = copy.deepcopy(read(path))
    change(data)
    return data


def refused(data: dict) -> ps.ConfigError:
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**data)
    assert "\n" not in str(info.value) and str(info.value).startswith(f"{info.value.field}: ")
    return info.value


@pytest.fixture(scope="module")
def builder_cfg() -> Config:
    return load_quietly(BUILDER)


@pytest.fixture(scope="module")
def engine_cfg() -> Config:
    return load_quietly(ENGINE)


@pytest.fixture(scope="module")
def generated(builder_cfg, engine_cfg) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return {"builder": (builder_cfg, ps.generate_tables(builder_cfg)), "engine": (engine_cfg, ps.generate_tables(engine_cfg))}


# ---------------------------------------------------------------- loading and generating


@pytest.mark.parametrize("path", [BUILDER, ENGINE], ids=["builder", "engine"])
def test_create_create_from_yaml_and_load_config_give_one_config(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert ps.create(**read(path)) == ps.create_from_yaml(path) == ps.load_config(path)


def test_engine_yaml_is_a_domain_without_about():
    assert dialect_of(read(ENGINE)) == "engine"
    assert dialect_of(read(BUILDER)) == "builder"
    both = edited(ENGINE, lambda d: d.update(about="both"))
    assert dialect_of(both) == "builder"
    err = refused(both)
    assert err.field == "domain" and "engine YAML has domain and no about" in err.message


@pytest.mark.parametrize("path", [BUILDER, ENGINE], ids=["builder", "engine"])
def test_a_translated_config_dumps_to_our_spelling_and_reads_back(tmp_path, path):
    cfg = load_quietly(path)
    dumped = tmp_path / "ours.yaml"
    dumped.write_text(ps.dump_config(cfg), encoding="utf-8")
    assert dialect_of(read(dumped)) == "builder" and "domain" not in read(dumped)
    assert load_quietly(dumped) == cfg


@pytest.mark.parametrize("dialect", ["builder", "engine"])
def test_everything_files_generate_and_validate(generated, dialect):
    cfg, tables = generated[dialect]
    assert set(tables) == {"dim_date", *cfg.schema.table_names}
    assert all(len(t) > 0 for t in tables.values())
    report = ps.validate(tables, cfg)
    assert report.ok, report.issues


# ---------------------------------------------------------------- builder YAML


def test_builder_dimensions_become_grains(builder_cfg):
    dims = {d.name: d for d in builder_cfg.dimensions}
    assert list(dims) == ["dim_space", "dim_member", "dim_amenity"]  # the declared dim_date is ours, always generated
    assert dims["dim_space"].grain == "entity" and dims["dim_space"].scd_column.tracks == "revenue"
    assert (dims["dim_member"].grain, dims["dim_member"].count) == ("sub_entity", 3)
    # reference: true -> rows = max(count 4, longest static list 5)
    assert (dims["dim_amenity"].grain, dims["dim_amenity"].count) == ("reference", 5)


def test_reference_dimension_without_count_or_list_has_one_row():
    lookup = [{"name": "lookup_id", "type": "id"}, {"name": "note", "type": "faker.city"}]
    builder = edited(BUILDER, lambda d: d["dimensions"].append({"name": "dim_lookup", "reference": True, "columns": lookup}))
    assert ps.create(**builder).dimensions[-1].count == 1
    engine_lookup = {
        "name": "dim_lookup",
        "type": "dim",
        "grain": "per_reference",
        "primary_key": "lookup_id",
        "columns": [{"name": "lookup_id", "dtype": "id", "source": "pk"}],
    }
    engine = edited(ENGINE, lambda d: d["tables"].append(engine_lookup))
    assert load_quietly_data(engine).dimensions[-1].count == 1


def load_quietly_data(data: dict) -> Config:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return ps.create(**data)


def test_builder_columns_become_our_kinds(builder_cfg):
    space = {c.name: c for c in builder_cfg.dimensions[0].columns}
    assert [space[n].type for n in ("space_name", "city", "country", "manager", "manager_first", "manager_last", "manager_email")] == [
        "company",
        "city",
        "country",
        "name",
        "first_name",
        "last_name",
        "email",
    ]
    assert (space["desks"].type, space["desks"].min, space["desks"].max) == ("range", 20, 400)
    assert space["cohort_size"].type == "segment.count" and space["health"].labels == ["weak", "steady", "strong"]
    assert builder_cfg.events[1].columns[-1].type == "flag"


def test_builder_flat_event_triggers_become_rules(builder_cfg):
    booking, crowded, quiet = builder_cfg.events
    assert (booking.proportional.driver, booking.proportional.scale) == ("bookings", 0.5)
    assert (crowded.threshold.metric, crowded.threshold.above, crowded.threshold.for_periods) == ("occupancy", 0.65, 2)
    assert (quiet.threshold.below, quiet.threshold.for_periods) == (0.45, 2)


def test_builder_metrics_noise_output_and_the_rest(builder_cfg):
    metrics = {m.name: m for m in builder_cfg.metrics}
    assert metrics["renewal_odds"].family == "beta" and metrics["renewal_odds"].distribution_params == {"concentration": 8.0}
    assert metrics["member_spend"].family == "lognormal" and metrics["member_spend"].distribution_params == {"s": 0.4}
    assert (metrics["complaints"].follows, metrics["complaints"].delay) == ("occupancy", 2)
    noise = builder_cfg.noise
    assert (noise.family, noise.degrees_of_freedom, noise.gaussian_sigma) == ("student_t", 5.0, 0.02)
    assert (builder_cfg.output.format, builder_cfg.output.directory, builder_cfg.locale) == ("parquet", "out/coworking", "en_GB")
    assert [c.coefficient for c in builder_cfg.connections] == [0.55, 0.35, -0.55, 0.3, 0.40, -0.2]
    assert builder_cfg.bridges[0].driver == "satisfaction" and builder_cfg.holdout.min_training_periods == 6


def test_builder_beta_scale_is_the_range_when_none_is_given():
    data = edited(BUILDER, lambda d: d["metrics"][7].update(type="amount", distribution_params={"alpha": 2, "beta": 2, "scale": 50}))
    metric = ps.create(**data).metrics[7]
    assert metric.range == (0.0, 50.0) and metric.distribution_params == {"concentration": 4.0}


def test_builder_threshold_flags_are_true_on_every_row(generated):
    _, tables = generated["builder"]
    for name, column in (("evt_overcrowded", "raised"), ("evt_quiet_spell", "flagged")):
        assert tables[name][column].dtype == bool and tables[name][column].all()


# ---------------------------------------------------------------- engine YAML


def test_engine_top_level_keys(engine_cfg):
    assert engine_cfg.about.startswith("Tenants of a hosted") and engine_cfg.unit == "tenant" and engine_cfg.seed == 90210
    assert (engine_cfg.window.start, engine_cfg.window.end, engine_cfg.window.every) == ("2023-01", "2024-12", "monthly")
    assert [(c.metric_a, c.metric_b, c.coefficient) for c in engine_cfg.connections] == [
        ("revenue", "engagement", 0.55),
        ("latency", "session_minutes", -0.3),
    ]
    assert [(s.months, s.strength) for s in engine_cfg.seasonality] == [([11, 12], 0.25), ([8], -0.1)]
    assert (engine_cfg.holdout.target, engine_cfg.holdout.periods) == ("tickets", 3)
    assert engine_cfg.entity_features.metrics == ["engagement", "revenue"]
    assert (engine_cfg.noise.family, engine_cfg.noise.outlier_rate) == ("laplace", 0.005)
    assert (engine_cfg.output.directory, engine_cfg.locale) == ("out/tenants", "en_US")


def test_engine_entities_become_one_segment_per_archetype(engine_cfg):
    segments = [(s.name, s.count, s.seasonal_sensitivity) for s in engine_cfg.segments]
    assert segments == [("climber", 4, 1.0), ("fader", 3, 1.0), ("wave", 3, 1.5), ("sawtooth_then_logistic", 3, 1.0), ("compounder", 3, 1.0)]
    climber = engine_cfg.segments[0]
    assert climber.label == "Steady climbers" and climber.attributes == {"plan": ["pro", "enterprise"], "seats": [50, 100]}


def test_engine_metrics_map_family_parameters_and_ranges(engine_cfg):
    got = {m.name: (m.family, m.distribution_params, m.range) for m in engine_cfg.metrics}
    assert got == {
        "engagement": ("beta", {"concentration": 7.0}, (0.0, 1.0)),
        "revenue": ("lognormal", {"s": 0.3}, (200.0, 5000.0)),
        "tickets": ("poisson", {}, (0.0, 6.0)),  # lambda: the span of the mean
        "latency": ("normal", {"sigma": 6.0}, (50.0, 250.0)),  # value_range min, centre span's top (mu)
        "session_minutes": ("gamma", {"shape": 2.0}, (0.0, 30.0)),  # shape x scale
        "uptime_days": ("weibull", {"shape": 1.5}, (1.0, 30.0)),
    }
    tickets = next(m for m in engine_cfg.metrics if m.name == "tickets")
    assert (tickets.follows, tickets.delay, tickets.polarity) == ("engagement", 2, "negative")


def test_engine_tables_become_our_schema(engine_cfg):
    dims = {d.name: d for d in engine_cfg.dimensions}
    assert (dims["dim_user"].grain, dims["dim_user"].count) == ("sub_entity", 4)  # count 2 x size 2
    assert (dims["dim_region"].grain, dims["dim_region"].count) == ("reference", 6)
    tenant = {c.name: c for c in dims["dim_tenant"].columns}
    assert [tenant[n].type for n in ("cohort", "tenant_code", "display_name", "account_size", "plan", "health")] == [
        "segment",
        "entity_name",
        "entity_name",
        "static.2",
        "pool.plan",
        "bucket",
    ]
    tier = tenant["billing_tier"]
    assert (tier.tracks, tier.tiers, tier.at) == ("revenue", ["bronze", "silver", "gold"], [0.3, 0.6])
    assert tenant["owner"].description == "Synthetic person name"
    login, storm, lapse = engine_cfg.events
    assert (login.proportional.driver, login.proportional.scale) == ("engagement", 6.0)
    assert (storm.threshold.metric, storm.threshold.above, storm.threshold.for_periods) == ("tickets", 6.0, 2)
    assert storm.columns[-1].type == "flag"
    assert (lapse.threshold.below, lapse.threshold.for_periods) == (0.3, 2)
    bridge = engine_cfg.bridges[0]
    assert (bridge.left, bridge.right, bridge.cardinality, bridge.driver) == ("dim_tenant", "dim_region", (1, 3), None)


def test_engine_tables_carry_what_the_reference_writes(generated):
    cfg, tables = generated["engine"]
    tenants = tables["dim_tenant"].drop_duplicates("tenant_id")
    assert len(tenants) == 16 and (tenants["account_size"] == 2).all()
    assert tenants["cohort"].tolist() == [s.name for s in cfg.segments for _ in range(s.count)]
    assert (tenants["tenant_code"] == tenants["display_name"]).all() and tenants["tenant_code"].iloc[0] == "climber_0000"
    assert set(tenants["seats"]) <= {10, 20, 30, 50, 100, 200}
    assert len(tables["dim_user"]) == 16 * 4 and len(tables["dim_region"]) == 6
    assert tables["evt_ticket_storm"]["storm"].all()
    assert (tables["fct_usage"]["report_date_key"] == tables["fct_usage"]["date_key"]).all()


def _reference_curve(curve: str, params: dict, length: int) -> np.ndarray:
    """The reference's curve formulas (its spec, section 4) on its own grid t = linspace(0, 1, L)."""
    t = np.linspace(0.0, 1.0, length)

    def minmax(x, top=1.0):
        return (x - x.min()) / (x.max() - x.min()) * top

    if curve == "sigmoid":
        x = minmax(1 / (1 + np.exp(-params["steepness"] * (t - params["midpoint"]))))
        return x if params.get("rising", True) else 1 - x
    if curve == "compound":
        return minmax(np.cumsum(params["base_rate"] + params["acceleration"] * t))
    if curve == "logistic":
        return minmax(params["ceiling"] / (1 + np.exp(-params["k"] * (t - params["midpoint"]))), params["ceiling"])
    if curve == "exp_decay":
        return np.exp(-params["rate"] * t)
    if curve == "step":
        return np.where(t < params["threshold"], params["before"], params["after"])
    if curve == "plateau":
        return np.full(length, params["level"])
    if curve == "oscillating":
        return params["center"] + params["amplitude"] * np.sin(2 * np.pi * params["period"] * t)
    return params["base"] + params["amplitude"] * ((t * params["period"]) % 1.0)


def test_engine_curve_segments_give_the_reference_trajectories(engine_cfg):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a gamma metric whose centre touches 0 (see docs/reference_dialects.md)
        plan = resolve_plan(engine_cfg)
    periods = plan.periods
    for s, archetype in enumerate(read(ENGINE)["archetypes"]):
        segments = archetype["curve_segments"]
        bounds = [0] + [int(np.floor(seg["end_pct"] * periods)) for seg in segments[:-1]] + [periods]
        expected = np.concatenate(
            [np.clip(_reference_curve(seg["curve"], seg["params"], b - a), 0, 1) for seg, a, b in zip(segments, bounds, bounds[1:]) if b > a]
        )
        np.testing.assert_allclose(plan.positions[s], expected, atol=1e-12, err_msg=archetype["name"])


def test_ramp_is_the_reference_compound_on_its_grid():
    for length, base, acceleration in ((24, 0.05, 0.02), (7, 0.2, 1.5), (12, 0.01, 0.3)):
        t = np.linspace(0.0, 1.0, length)
        raw = np.cumsum(base + acceleration * t)
        reference = (raw - raw.min()) / (raw.max() - raw.min())
        ours = evaluate("ramp", t, {"base_rate": base + acceleration / (2 * (length - 1)), "acceleration": acceleration})
        np.testing.assert_allclose(ours, reference, atol=1e-12)


@pytest.mark.parametrize("granularity, periods", [("weekly", 9), ("daily", 60)])
def test_engine_granularity_is_our_period_grain(granularity, periods):
    data = edited(ENGINE, lambda d: d.update(time_window={"start": "2024-01", "end": "2024-02", "granularity": granularity}, holdout=None))
    cfg = ps.create(**data)
    assert cfg.window.every == granularity and cfg.window.periods == periods


# ---------------------------------------------------------------- our own spelling


@pytest.mark.parametrize("name", list_templates())
def test_our_templates_load_exactly_as_our_model_reads_them(name):
    data = read(template_path(name))
    assert ps.create(**data) == Config.model_validate(data)


def test_our_spelling_next_to_the_reference_words():
    ours = dict(
        about="ours",
        unit="shop",
        window=("2024-01", "2024-12"),
        seed=3,
        metrics=[{"name": "visits", "type": "score"}, {"name": "sales", "distribution": "beta", "range": [0, 9], "params": {"concentration": 5}}],
        segments=[{"name": "a", "count": 3, "archetype": "growth"}, {"name": "b", "count": 3, "archetype": "plateau(level=0.3)"}],
        noise={"gaussian_sigma": 0.02, "family": "laplace"},
        quality=[],
        dimensions=[
            {"name": "dim_shop", "columns": [{"shop_id": "id"}, {"owner": "name"}, {"size": "range", "min": 1, "max": 9}]},
            {"name": "dim_clerk", "grain": "sub_entity", "count": 2, "columns": [{"clerk_id": "id"}, {"shop_id": "ref.dim_shop"}]},
        ],
        facts=[{"name": "fct_shop", "columns": [{"date_key": "ref.dim_date"}, {"shop_id": "ref.dim_shop"}, {"visits": "metric.visits"}]}],
        events=[
            {
                "name": "evt_peak",
                "threshold": {"metric": "visits", "above": 0.7, "for": 2},
                "columns": [{"peak_id": "id"}, {"shop_id": "ref.dim_shop"}, {"peak": "flag"}],
            }
        ],
    )
    assert ps.create(**ours) == Config.model_validate(ours)


def test_flag_needs_a_threshold_event_in_our_spelling_too():
    kw = dict(
        about="ours",
        unit="shop",
        window=("2024-01", "2024-12"),
        metrics=[{"name": "visits", "type": "score"}],
        segments=[{"name": "a", "count": 3, "archetype": "growth"}, {"name": "b", "count": 3, "archetype": "decline"}],
        dimensions=[{"name": "dim_shop", "columns": [{"shop_id": "id"}]}],
        facts=[{"name": "fct_shop", "columns": [{"date_key": "ref.dim_date"}, {"shop_id": "ref.dim_shop"}]}],
        events=[
            {
                "name": "evt_visit",
                "proportional": {"driver": "visits", "scale": 2},
                "columns": [{"visit_id": "id"}, {"shop_id": "ref.dim_shop"}, {"flagged": "flag"}],
            }
        ],
    )
    err = refused(kw)
    assert err.field == "events.0.columns.2.type" and "proportional event table" in err.message


# ---------------------------------------------------------------- soft warnings


def _soft_warnings(**kw) -> list[str]:
    base = dict(
        about="warn",
        unit="shop",
        window=("2023-01", "2024-12"),
        metrics=[{"name": "visits", "type": "score"}],
        segments=[{"name": "a", "count": 3, "archetype": "growth"}, {"name": "b", "count": 3, "archetype": "decline"}],
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ps.create(**{**base, **kw})
    return [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def test_no_soft_warning_for_a_plain_config():
    assert _soft_warnings() == []


def test_seasonal_archetype_over_a_short_window_warns():
    short = _soft_warnings(
        window=("2024-01", "2024-12"),
        segments=[{"name": "a", "count": 3, "archetype": "growth > seasonal @ 4"}, {"name": "b", "count": 3, "archetype": "decline"}],
    )
    assert len(short) == 1 and "seasonal archetype over 12 periods" in short[0]
    assert _soft_warnings(segments=[{"name": "a", "count": 3, "archetype": "seasonal"}, {"name": "b", "count": 3, "archetype": "flat"}]) == []


def test_one_segment_warns():
    with pytest.warns(UserWarning, match="only one segment"):
        ps.create(
            about="warn",
            unit="shop",
            window=("2023-01", "2024-12"),
            metrics=[{"name": "visits", "type": "score"}],
            segments=[{"name": "a", "count": 3, "archetype": "growth"}],
        )


def test_mirrors_among_eight_metrics_warns():
    metrics = [{"name": f"m{i}", "type": "score"} for i in range(8)]
    caught = _soft_warnings(metrics=metrics, connections=["m0 mirrors m1"])
    assert len(caught) == 1 and "mirrors/inverts (|0.75|) among 8 metrics" in caught[0]
    assert _soft_warnings(metrics=metrics[:7], connections=["m0 inverts m1"]) == []
    assert _soft_warnings(metrics=metrics, connections=["m0 related m1"]) == []


@pytest.mark.parametrize("path", [BUILDER, ENGINE], ids=["builder", "engine"])
def test_everything_files_raise_no_soft_warning(path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ps.load_config(path)
    assert [str(w.message) for w in caught if issubclass(w.category, UserWarning)] == []


def test_engine_yaml_gets_no_soft_warnings():
    one = edited(
        ENGINE,
        lambda d: d.update(
            entities=[{"name": "solo", "archetype": "wave", "size": 2}],
            time_window={"start": "2024-01", "end": "2024-12", "granularity": "monthly"},
            holdout=None,
        ),
    )
    for table in one["tables"]:
        for column in table["columns"]:
            if column.get("value_pool"):
                column["value_pool"] = {"solo": ["1"]}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cfg = ps.create(**one)
    assert len(cfg.segments) == 1 and [w for w in caught if issubclass(w.category, UserWarning)] == []


# ---------------------------------------------------------------- command line


def test_cli_validates_engine_yaml_and_refuses_unsupported_in_one_line(capsys):
    assert main(["validate", str(ENGINE)]) == 0
    assert "VALID" in capsys.readouterr().out
    assert main(["validate", str(DATA / "unsupported" / "engine" / "treatment.yaml")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("INVALID: ") and len(out) == 2  # the reference's two lines: verdict, then the one-line reason
    assert out[1].strip().startswith("entities.0.treatment_group: per-entity treatment (treatment_group")
    assert "is not supported; treatment arms are drawn per segment" in out[1]
