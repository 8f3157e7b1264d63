"""Declared-schema configuration: every mistake is a ConfigError naming the field path and the
fix; the column shorthands parse; a config without tables gets the automatic schema."""

from __future__ import annotations

import copy

import pyarrow as pa
import pytest
from pydantic import TypeAdapter

import plotsim_dbt as ps
from plotsim_dbt.columns import Column
from plotsim_dbt.columns.constants import RangeColumn, StaticColumn
from plotsim_dbt.columns.keys import IdColumn
from plotsim_dbt.columns.metrics import LagColumn


def scd(**options) -> dict:
    return {"name": "tier", "type": "scd", "tracks": "mrr", "tiers": ["free", "pro", "max"], "at": [0.3, 0.6], **options}


BASE = dict(
    about="schema errors",
    unit="account",
    window=("2024-01", "2024-06"),  # six periods
    seed=1,
    metrics=[{"name": "engagement", "type": "score"}, {"name": "mrr", "type": "amount", "range": [10, 500]}],
    segments=[{"name": "up", "count": 5, "archetype": "growth", "attributes": {"region": ["NA", "EU"]}}],
    dimensions=[
        {"name": "dim_plan", "grain": "reference", "count": 3, "columns": [{"plan_id": "id"}, {"plan_name": "static.a,b,c"}]},
        {"name": "dim_account", "columns": [{"account_id": "id"}, {"plan_id": "ref.dim_plan"}, scd()]},
        {"name": "dim_user", "grain": "sub_entity", "count": 2, "columns": [{"user_id": "id"}, {"account_id": "ref.dim_account"}]},
    ],
    facts=[
        {
            "name": "fct_usage",
            "columns": [{"date_key": "ref.dim_date"}, {"account_id": "ref.dim_account"}, {"engagement": "metric.engagement"}],
        }
    ],
    events=[
        {
            "name": "evt_login",
            "proportional": {"driver": "engagement", "scale": 2},
            "columns": [{"login_id": "id"}, {"account_id": "ref.dim_account"}, {"date_key": "ref.dim_date"}],
        }
    ],
    bridges=[{"name": "bridge_account_plan", "left": "dim_account", "right": "dim_plan", "cardinality": [0, 2]}],
)


def base() -> dict:
    return copy.deepcopy(BASE)


def fails(kw: dict) -> ps.ConfigError:
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**kw)
    err = info.value
    assert err.message and str(err) == f"{err.field}: {err.message}"
    return err


def with_column(group: str, index: int, column: dict, at: int | None = None) -> dict:
    kw = base()
    columns = kw[group][index]["columns"]
    if at is None:
        columns.append(column)
    else:
        columns[at] = column
    return kw


def test_the_base_schema_is_valid():
    cfg = ps.create(**base())
    assert cfg.schema.table_names == ["dim_plan", "dim_account", "dim_user", "fct_usage", "evt_login", "bridge_account_plan"]
    assert cfg.entity_table == "dim_account" and cfg.entity_key == "account_id"
    assert cfg.schema.scd_dimension.name == "dim_account"


# ---------------------------------------------------------------------------------- column types


@pytest.mark.parametrize("bad", ["metrik.engagement", "uuid", "Metric.engagement"])
def test_unknown_column_type_lists_the_words(bad):
    err = fails(with_column("facts", 0, {"engagement": bad}, at=2))
    assert err.field == "facts.0.columns.2.type"
    assert repr(bad) in err.message and "unknown column type" in err.message
    for word in ("id", "ref.<table>", "metric.<name>", "lag.<metric>:periods:<n>", "static.<value>", "pool.<attribute>"):
        assert word in err.message


def test_ref_to_an_undeclared_table():
    err = fails(with_column("facts", 0, {"account_id": "ref.dim_acount"}, at=1))
    assert err.field == "facts.0.columns.1.type"
    assert "'dim_acount'" in err.message and "not a declared dimension" in err.message


def test_metric_column_for_an_undeclared_metric():
    err = fails(with_column("facts", 0, {"churn": "metric.churn"}))
    assert err.field == "facts.0.columns.3.type"
    assert "'churn' is not a declared metric" in err.message


def test_metric_column_must_be_named_after_its_metric():
    err = fails(with_column("facts", 0, {"eng": "metric.engagement"}, at=2))
    assert err.field == "facts.0.columns.2.name"
    assert "name the column after its metric (engagement)" in err.message and "'eng'" in err.message


@pytest.mark.parametrize("periods", [0, 6, 12])
def test_lag_periods_out_of_range(periods):
    err = fails(with_column("facts", 0, {"prev": f"lag.engagement:periods:{periods}"}))
    assert err.field == "facts.0.columns.3.type"
    assert "1 to 5 periods" in err.message and f"got {periods}" in err.message


def test_lag_of_an_undeclared_metric():
    err = fails(with_column("facts", 0, {"prev": "lag.churn:periods:1"}))
    assert err.field == "facts.0.columns.3.type" and "'churn' is not a declared metric" in err.message


def test_longest_lag_is_accepted():
    cfg = ps.create(**with_column("facts", 0, {"prev": "lag.engagement:periods:5"}))
    assert cfg.facts[0].columns[-1].periods == 5


def test_column_not_allowed_in_the_table_says_what_it_accepts():
    err = fails(with_column("facts", 0, {"fired": "flag"}))
    assert err.field == "facts.0.columns.3.type"
    assert "a fact table cannot hold 'flag'" in err.message and "metric" in err.message and "lag" in err.message


def test_a_per_period_fact_takes_at_most_one_surrogate_key():
    kw = with_column("facts", 0, {"fact_id": "id"})
    kw["facts"][0]["columns"].append({"row_id": "id"})
    err = fails(kw)
    assert err.field == "facts.0.columns.4.type" and "at most one id column" in err.message


def test_duplicate_column_name():
    err = fails(with_column("facts", 0, {"engagement": "metric.engagement"}))
    assert err.field == "facts.0.columns.2.name"  # the first of the two
    assert "'engagement' appears twice in fct_usage" in err.message


# ---------------------------------------------------------------------------------- scd, bucket, range


def with_scd(**options) -> dict:
    return with_column("dimensions", 1, scd(**options), at=2)


def test_scd_with_the_wrong_number_of_cut_points():
    err = fails(with_scd(at=[0.5]))
    assert err.field == "dimensions.1.columns.2.at"
    assert "3 tiers, so it needs 2 cut points" in err.message


@pytest.mark.parametrize("at", [[0.6, 0.3], [0.4, 0.4], [0.0, 0.5], [0.5, 1.0]])
def test_scd_cut_points_must_rise_strictly_inside_zero_one(at):
    err = fails(with_scd(at=at))
    assert err.field == "dimensions.1.columns.2.at"
    assert "must rise strictly inside (0, 1)" in err.message and str(at) in err.message


def test_scd_tracking_an_unknown_metric():
    err = fails(with_scd(tracks="revenue"))
    assert err.field == "dimensions.1.columns.2.tracks"
    assert "'revenue' is not a declared metric" in err.message


def test_scd_without_tiers_or_cut_points():
    err = fails(with_column("dimensions", 1, {"name": "tier", "type": "scd", "tracks": "mrr"}, at=2))
    assert err.field == "dimensions.1.columns.2.tiers" and "needs tracks, tiers and at" in err.message


@pytest.mark.parametrize("tiers", [["only"], ["a", "a", "b"]])
def test_scd_needs_distinct_tiers(tiers):
    err = fails(with_scd(tiers=tiers, at=[0.5] * (len(tiers) - 1)))
    assert err.field == "dimensions.1.columns.2.tiers" and "two distinct tier labels" in err.message


def test_scd_outside_the_entity_dimension_is_refused():
    err = fails(with_column("facts", 0, scd()))
    assert err.field == "facts.0.columns.3.type" and "cannot hold" in err.message


@pytest.mark.parametrize("labels", [["only"], ["a", "a"]])
def test_bucket_needs_two_distinct_labels(labels):
    err = fails(with_column("dimensions", 1, {"health": "bucket", "labels": labels}))
    assert err.field == "dimensions.1.columns.3.labels"
    assert "at least two distinct labels" in err.message


@pytest.mark.parametrize("bounds", [{"min": 5, "max": 5}, {"min": 9, "max": 1}, {"min": 1}])
def test_range_needs_min_below_max(bounds):
    err = fails(with_column("dimensions", 1, {"employees": "range", **bounds}))
    assert err.field == "dimensions.1.columns.3.min"
    assert "needs min < max" in err.message and "range, min: 1, max: 50" in err.message


# ---------------------------------------------------------------------------------- tables


def test_two_entity_dimensions():
    kw = base()
    kw["dimensions"].append({"name": "dim_other", "columns": [{"other_id": "id"}]})
    err = fails(kw)
    assert err.field == "dimensions"
    assert "exactly one dimension with grain: entity" in err.message and "found 2" in err.message


@pytest.mark.parametrize("drop, missing", [(0, "dim_date"), (1, "dim_account")])
def test_a_fact_needs_its_date_and_entity_keys(drop, missing):
    kw = base()
    kw["facts"][0]["columns"].pop(drop)
    err = fails(kw)
    assert err.field == "facts.0.columns"
    assert "a fact needs ref.dim_date and ref.dim_account" in err.message


def test_a_declared_schema_without_facts_generates_its_dimensions_and_events():
    config = ps.create(**{**base(), "facts": []})
    tables = ps.generate_tables(config)
    assert {"dim_account", "evt_login"} <= set(tables) and len(tables["evt_login"]) > 0
    assert ps.validate(config, tables).ok


def test_entity_features_need_a_fact_with_a_row_per_entity_and_period():
    err = fails({**base(), "facts": [], "entity_features": True})
    assert err.field == "entity_features" and "one row per entity and period" in err.message


def test_an_event_needs_an_id():
    kw = base()
    kw["events"][0]["columns"].pop(0)
    err = fails(kw)
    assert err.field == "events.0.columns" and "needs an id column" in err.message


def test_an_event_needs_a_ref_to_the_entity():
    kw = base()
    kw["events"][0]["columns"].pop(1)
    err = fails(kw)
    assert err.field == "events.0.columns" and "ref.dim_account" in err.message


def test_an_event_with_both_mechanisms():
    kw = base()
    kw["events"][0]["threshold"] = {"metric": "mrr", "above": 100}
    err = fails(kw)
    assert err.field == "events.0.proportional"
    assert "exactly one of proportional {driver, scale} or threshold {metric, above|below, for}" in err.message


def test_an_event_with_neither_mechanism():
    kw = base()
    del kw["events"][0]["proportional"]
    err = fails(kw)
    assert err.field == "events.0.proportional" and "exactly one of proportional" in err.message


@pytest.mark.parametrize("sides", [{"above": 1, "below": 2}, {}])
def test_threshold_takes_exactly_one_of_above_or_below(sides):
    kw = base()
    del kw["events"][0]["proportional"]
    kw["events"][0]["threshold"] = {"metric": "mrr", **sides}
    err = fails(kw)
    assert err.field == "events.0.threshold.above"
    assert "exactly one of above or below" in err.message


@pytest.mark.parametrize(
    "mechanism, field",
    [
        ({"proportional": {"driver": "logins", "scale": 1}}, "events.0.proportional.driver"),
        ({"threshold": {"metric": "logins", "below": 0.2}}, "events.0.threshold.metric"),
    ],
)
def test_event_source_must_be_a_declared_metric(mechanism, field):
    kw = base()
    del kw["events"][0]["proportional"]
    kw["events"][0].update(mechanism)
    err = fails(kw)
    assert err.field == field and "'logins' is not a declared metric" in err.message


def test_threshold_for_is_read_from_the_yaml_key():
    kw = base()
    del kw["events"][0]["proportional"]
    kw["events"][0]["threshold"] = {"metric": "engagement", "below": 0.2, "for": 3}
    rule = ps.create(**kw).events[0].threshold
    assert rule.for_periods == 3 and rule.below == 0.2 and rule.above is None


@pytest.mark.parametrize("right", ["dim_account", "dim_user", "dim_missing"])
def test_bridge_right_must_be_a_reference_dimension(right):
    kw = base()
    kw["bridges"][0]["right"] = right
    err = fails(kw)
    assert err.field == "bridges.0.right"
    assert f"'{right}' is not a declared reference dimension" in err.message


def test_bridge_max_above_the_reference_rows():
    kw = base()
    kw["bridges"][0]["cardinality"] = [1, 4]
    err = fails(kw)
    assert err.field == "bridges.0.cardinality" and "max 4 exceeds the 3 rows of dim_plan" in err.message


def test_bridge_max_counts_static_rows_when_count_is_omitted():
    kw = base()
    kw["dimensions"][0] = {"name": "dim_plan", "grain": "reference", "columns": [{"plan_id": "id"}, {"plan_name": "static.a,b,c,d"}]}
    kw["bridges"][0]["cardinality"] = [4, 4]
    assert ps.create(**kw).bridges[0].cardinality == (4, 4)
    kw["bridges"][0]["cardinality"] = [4, 5]
    assert fails(kw).field == "bridges.0.cardinality"


@pytest.mark.parametrize("cardinality", [[3, 2], [-1, 2], [0, 0]])
def test_bridge_cardinality_bounds(cardinality):
    kw = base()
    kw["bridges"][0]["cardinality"] = cardinality
    err = fails(kw)
    assert err.field == "bridges.0.cardinality" and "0 <= min <= max and max >= 1" in err.message


def test_bridge_left_must_be_the_entity_dimension():
    kw = base()
    kw["bridges"][0]["left"] = "dim_plan"
    err = fails(kw)
    assert err.field == "bridges.0.left" and "'dim_account'" in err.message


def test_bridge_driver_must_be_a_metric():
    kw = base()
    kw["bridges"][0]["driver"] = "usage"
    err = fails(kw)
    assert err.field == "bridges.0.driver" and "'usage' is not a declared metric" in err.message


def test_duplicate_table_names():
    kw = base()
    kw["events"][0]["name"] = "fct_usage"
    err = fails(kw)
    assert err.field == "facts.0.name" and "'fct_usage' is declared twice" in err.message


def test_a_dimension_named_dim_date():
    kw = base()
    kw["dimensions"][0]["name"] = "dim_date"
    for column in kw["dimensions"][1]["columns"]:
        if column.get("plan_id"):
            column["plan_id"] = "ref.dim_date"
    err = fails(kw)
    assert err.field == "dimensions.0.name" and "'dim_date' is taken by the generated date dimension" in err.message


def test_truth_prefix_is_reserved():
    kw = base()
    kw["facts"][0]["name"] = "truth_usage"
    err = fails(kw)
    assert err.field == "facts.0.name" and "reserved" in err.message


def test_sub_entity_dimension_without_count():
    kw = base()
    del kw["dimensions"][2]["count"]
    err = fails(kw)
    assert err.field == "dimensions.2.count" and "needs count (rows per entity)" in err.message


def test_sub_entity_dimension_without_ref_to_the_entity():
    kw = base()
    kw["dimensions"][2]["columns"].pop(1)
    err = fails(kw)
    assert err.field == "dimensions.2.columns" and "needs a column of type ref.dim_account" in err.message


def test_reference_dimension_without_count_or_static_list():
    kw = base()
    kw["dimensions"][0] = {"name": "dim_plan", "grain": "reference", "columns": [{"plan_id": "id"}]}
    err = fails(kw)
    assert err.field == "dimensions.0.count" and "needs count (rows)" in err.message


def test_entity_dimension_with_count():
    kw = base()
    kw["dimensions"][1]["count"] = 10
    err = fails(kw)
    assert err.field == "dimensions.1.count" and "remove count" in err.message


def test_dimension_needs_exactly_one_id():
    err = fails(with_column("dimensions", 1, {"other_id": "id"}))
    assert err.field == "dimensions.1.columns" and "exactly one id column" in err.message


@pytest.mark.parametrize(
    "column, words",
    [
        ({"d": "ref.dim_date"}, "use a timestamp column"),
        ({"u": "ref.dim_user"}, "only reference dimensions"),
        ({"a": "ref.dim_account"}, "cannot reference itself"),
    ],
)
def test_dimension_references(column, words):
    err = fails(with_column("dimensions", 1, column))
    assert err.field == "dimensions.1.columns.3.type" and words in err.message


@pytest.mark.parametrize("value", ["2099-12-31", "none"])
def test_open_end_accepts_only_the_two_conventions(value):
    kw = base()
    kw["dimensions"][1]["open_end"] = value
    err = fails(kw)
    assert err.field == "dimensions.1.open_end"


def test_open_end_accepts_null_and_9999():
    kw = base()
    kw["dimensions"][1]["open_end"] = None
    assert ps.create(**kw).dimensions[1].open_end == "null"
    kw["dimensions"][1]["open_end"] = "9999-12-31"
    assert ps.create(**kw).dimensions[1].open_end == "9999-12-31"


def test_errors_in_yaml_keep_the_field_path(tmp_path):
    import yaml

    kw = base()
    kw["bridges"][0]["right"] = "dim_account"
    kw["window"] = {"start": "2024-01", "end": "2024-06"}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(kw), encoding="utf-8")
    with pytest.raises(ps.ConfigError) as info:
        ps.create_from_yaml(path)
    assert info.value.field == "bridges.0.right"


# ---------------------------------------------------------------------------------- shorthand and automatic schema


COLUMN = TypeAdapter(Column)


def test_column_shorthand_parses_to_its_kind_with_name_and_type():
    column = COLUMN.validate_python({"company_id": "id"})
    assert isinstance(column, IdColumn) and (column.name, column.type, column.kind) == ("company_id", "id", "id")
    ranged = COLUMN.validate_python({"employees": "range", "min": 1, "max": 9})
    assert isinstance(ranged, RangeColumn) and (ranged.name, ranged.kind, ranged.min, ranged.max) == ("employees", "range", 1, 9)
    assert ranged.resolve(None).type == pa.int64()
    assert COLUMN.validate_python({"ratio": "range", "min": 0.5, "max": 2}).resolve(None).type == pa.float64()
    assert COLUMN.validate_python({"name": "employees", "type": "range", "min": 1, "max": 9}) == ranged
    lag = COLUMN.validate_python({"prev": "lag.mrr:periods:2"})
    assert isinstance(lag, LagColumn) and (lag.kind, lag.metric, lag.periods, lag.type) == ("lag", "mrr", 2, "lag.mrr:periods:2")
    static = COLUMN.validate_python({"plan": "static.free,pro"})
    assert isinstance(static, StaticColumn) and (static.kind, static.options) == ("static", ["free", "pro"])


def test_a_column_dumps_back_to_the_form_users_write():
    for written in (
        {"name": "prev", "type": "lag.mrr:periods:2"},
        {"name": "plan", "type": "ref.dim_plan"},
        {"name": "employees", "type": "range", "min": 1.0, "max": 9.0},
    ):
        dumped = COLUMN.dump_python(COLUMN.validate_python(written), mode="json")
        assert {k: v for k, v in dumped.items() if v is not None} == written
        assert COLUMN.validate_python(dumped) == COLUMN.validate_python(written)


def test_shorthand_in_a_config_is_equal_to_the_long_form():
    short = base()
    long = base()
    long["dimensions"][1]["columns"] = [
        {"name": "account_id", "type": "id"},
        {"name": "plan_id", "type": "ref.dim_plan"},
        scd(),
        {"name": "employees", "type": "range", "min": 1, "max": 9},
    ]
    short["dimensions"][1]["columns"].append({"employees": "range", "min": 1, "max": 9})
    assert ps.create(**short).dimensions == ps.create(**long).dimensions


def test_shorthand_with_an_unknown_option_is_an_error():
    err = fails(with_column("dimensions", 1, {"employees": "range", "min": 1, "max": 9, "step": 2}))
    assert err.field.startswith("dimensions.1.columns.3")


def test_no_tables_gives_the_automatic_schema():
    kw = {k: v for k, v in base().items() if k not in ("dimensions", "facts", "events", "bridges")}
    cfg = ps.create(**kw)
    assert not cfg.declares_schema
    schema = cfg.schema
    assert schema.table_names == ["dim_account", "fct_account"]
    (dim,) = schema.dimensions
    assert dim.grain == "entity" and dim.scd_column is None
    assert [(c.name, c.type) for c in dim.columns] == [
        ("account_id", "id"),
        ("account_name", "entity_name"),
        ("region", "pool.region"),
    ]
    (fact,) = schema.facts
    assert [(c.name, c.type) for c in fact.columns] == [
        ("date_key", "ref.dim_date"),
        ("account_id", "ref.dim_account"),
        ("engagement", "metric.engagement"),
        ("mrr", "metric.mrr"),
    ]
    assert schema.events == [] and schema.bridges == []
    assert cfg.entity_table == "dim_account" and cfg.entity_key == "account_id" and cfg.fact_tables == ["fct_account"]


def test_the_bundled_templates_declare_valid_schemas():
    for name in ("saas", "hr", "retail"):
        cfg = ps.load_template(name)
        assert cfg.declares_schema and cfg.schema.scd_dimension is not None and cfg.bridges, name


def test_a_pool_column_must_name_a_segment_attribute():
    data = {
        "about": "x",
        "unit": "account",
        "window": ("2024-01", "2024-06"),
        "metrics": [{"name": "m", "type": "score"}],
        "segments": [{"name": "a", "count": 5, "archetype": "flat", "attributes": {"region": "NA"}}],
        "dimensions": [{"name": "dim_account", "columns": [{"account_id": "id"}, {"region": "pool.regio"}]}],
        "facts": [{"name": "fct_account", "columns": [{"date_key": "ref.dim_date"}, {"account_id": "ref.dim_account"}]}],
    }
    with pytest.raises(ps.ConfigError) as err:
        ps.create(**data)
    assert err.value.field == "dimensions.0.columns.1.type" and "'regio'" in str(err.value) and "region" in str(err.value)


def test_a_malformed_lag_says_how_to_write_one():
    with pytest.raises(ps.ConfigError, match=r"lag.<metric>:periods:<n>"):
        ps.create(
            **{
                "about": "x",
                "unit": "account",
                "window": ("2024-01", "2024-06"),
                "metrics": [{"name": "m", "type": "score"}],
                "segments": [{"name": "a", "count": 5, "archetype": "flat"}],
                "dimensions": [{"name": "dim_account", "columns": [{"account_id": "id"}]}],
                "facts": [
                    {"name": "fct_account", "columns": [{"date_key": "ref.dim_date"}, {"account_id": "ref.dim_account"}, {"m_before": "lag.m:3"}]}
                ],
            }
        )
