"""Config rules of bridge columns, uniform bridge links and period dimensions: each mistake is one
ConfigError naming the field and the fix, in our YAML and in the reference's engine dialect."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import plotsim_dbt as ps

BUILT = Path(__file__).resolve().parents[2] / "data" / "reference_dialect" / "built"
WEEK = {"name": "dim_week", "grain": "period", "columns": [{"week_id": "id"}, {"promo": "static.a,b"}]}


def base() -> dict:
    return dict(
        about="bridge and period rules",
        unit="account",
        window=("2024-01", "2024-06"),
        seed=1,
        metrics=[{"name": "engagement", "type": "score"}, {"name": "mrr", "type": "amount", "range": [10, 500]}],
        segments=[{"name": "up", "count": 5, "archetype": "growth"}],
        dimensions=[
            {"name": "dim_plan", "grain": "reference", "count": 3, "columns": [{"plan_id": "id"}, {"plan_name": "static.a,b,c"}]},
            {"name": "dim_account", "columns": [{"account_id": "id"}, {"plan_id": "ref.dim_plan"}, {"tier": "static.x"}]},
        ],
        facts=[
            {"name": "fct_usage", "columns": [{"date_key": "ref.dim_date"}, {"account_id": "ref.dim_account"}, {"engagement": "metric.engagement"}]}
        ],
        bridges=[{"name": "bridge_account_plan", "left": "dim_account", "right": "dim_plan", "cardinality": [0, 2]}],
    )


def fails(kw: dict) -> ps.ConfigError:
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**kw)
    return info.value


def with_week(**changes) -> dict:
    kw = base()
    kw["dimensions"].append({**WEEK, **changes})
    return kw


def bridge(**changes) -> dict:
    kw = base()
    kw["bridges"][0].update(changes)
    return kw


def test_a_period_dimension_and_bridge_columns_are_accepted():
    kw = with_week()
    kw["facts"][0]["columns"].append({"week_id": "ref.dim_week"})
    columns = [{"avg_mrr": "metric.mrr"}, {"w": "static.1"}, {"who": "name"}, {"r": "range", "min": 0, "max": 1}]
    kw["bridges"][0].update(links="uniform", columns=columns)
    config = ps.create(**kw)
    assert config.dimensions[-1].grain == "period" and config.bridges[0].links == "uniform" and len(config.bridges[0].columns) == 4


def test_a_period_dimension_takes_no_count():
    err = fails(with_week(count=3))
    assert err.field == "dimensions.2.count" and "one row per period; remove count" in err.message


def test_a_period_dimension_needs_one_id_column():
    err = fails(with_week(columns=[{"promo": "static.a"}]))
    assert err.field == "dimensions.2.columns" and "exactly one id column" in err.message


def test_a_period_dimension_references_only_dim_date():
    err = fails(with_week(columns=[{"week_id": "id"}, {"plan_id": "ref.dim_plan"}]))
    assert err.field == "dimensions.2.columns.1.type" and "references only dim_date" in err.message


def test_a_period_dimension_refuses_entity_driven_columns():
    err = fails(with_week(columns=[{"week_id": "id"}, {"seg": "segment"}]))
    assert err.field == "dimensions.2.columns.1.type" and "a period table cannot hold 'segment'" in err.message


def test_an_entity_dimension_cannot_reference_a_period_dimension():
    kw = with_week()
    kw["dimensions"][1]["columns"].append({"week_id": "ref.dim_week"})
    err = fails(kw)
    assert err.field == "dimensions.1.columns.3.type" and "only reference dimensions" in err.message


def test_uniform_links_refuse_a_driver():
    err = fails(bridge(links="uniform", driver="mrr"))
    assert err.field == "bridges.0.driver" and "links: uniform" in err.message


def test_bridge_links_is_trajectory_or_uniform():
    err = fails(bridge(links="random"))
    assert err.field == "bridges.0.links" and "'trajectory' or 'uniform'" in err.message


@pytest.mark.parametrize(
    "column, words",
    [
        ({"seen_at": "timestamp"}, "a bridge table cannot hold 'timestamp'"),
        ({"plan_id": "ref.dim_plan"}, "a bridge table cannot hold 'ref.dim_plan'"),
        ({"mrr_prev": "lag.mrr:periods:1"}, "a bridge table cannot hold 'lag.mrr:periods:1'"),
        ({"avg": "metric.nope"}, "'nope' is not a declared metric"),
    ],
)
def test_bridge_columns_take_metric_static_range_or_realistic_kinds(column, words):
    err = fails(bridge(columns=[column]))
    assert err.field == "bridges.0.columns.0.type" and words in err.message


def test_a_bridge_column_named_like_a_key_collides():
    err = fails(bridge(columns=[{"plan_id": "static.1"}]))
    assert err.field == "bridges.0.columns.0.name" and "collides with 'plan_id'" in err.message


def test_the_engine_dialects_bridge_metric_needs_a_bridge_source(tmp_path):
    data = yaml.safe_load((BUILT / "engine" / "bridge_metrics.yaml").read_text(encoding="utf-8"))
    data["bridges"][0]["metrics"][0]["source"] = "range:1:5"
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ps.ConfigError) as info:
        ps.load_config(path)
    assert info.value.field == "bridges.0.metrics.0.source" and "metric:<metric>, static:<value> or generated:faker" in info.value.message


def test_the_engine_dialects_bridge_metrics_map_faker_and_static_sources(tmp_path):
    data = yaml.safe_load((BUILT / "engine" / "bridge_metrics.yaml").read_text(encoding="utf-8"))
    data["bridges"][0]["metrics"] += [
        {"name": "contact", "dtype": "string", "source": "generated:faker.name"},
        {"name": "weight", "dtype": "float", "source": "static:1.5"},
    ]
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert [(c.name, c.type) for c in ps.load_config(path).bridges[0].columns] == [
        ("visits", "metric.visits"),
        ("contact", "name"),
        ("weight", "static.1.5"),
    ]
    data["bridges"][0]["metrics"][1]["source"] = "generated:faker.sentence:nb_words:4"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    (_, contact, _) = ps.load_config(path).bridges[0].columns
    assert (contact.type, contact.args) == ("faker.sentence", {"nb_words": 4})
    data["bridges"][0]["metrics"][1]["source"] = "generated:faker.nope"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ps.ConfigError) as info:
        ps.load_config(path)
    assert info.value.field.startswith("bridges.0.metrics.1") and "nope" in info.value.message
