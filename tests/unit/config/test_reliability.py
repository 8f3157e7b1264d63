"""Configs that used to write wrong data with exit 0, or fail deep in generation: each is now one
ConfigError naming the field at fault and the fix (issue 11)."""

from __future__ import annotations

import pytest

import plotsim_dbt as ps
from plotsim_dbt.plan import size
from plotsim_dbt.plan.resolve import resolve_plan
from plotsim_dbt.templates import template_path

NAN, INF = float("nan"), float("inf")


def base(**changes) -> dict:
    kw = dict(
        about="reliability",
        unit="account",
        window=("2024-01", "2024-06"),
        metrics=[{"name": "mrr", "type": "amount", "range": [10, 500]}, {"name": "health", "type": "score"}],
        segments=[{"name": "up", "count": 4, "archetype": "growth"}, {"name": "down", "count": 4, "archetype": "decline"}],
    )
    return kw | changes


def declared(**changes) -> dict:
    """A declared schema: an SCD2 entity dimension, a fact and a threshold event that ends entities."""
    entity = {
        "name": "dim_account",
        "columns": [
            {"name": "account_id", "type": "id"},
            {"name": "tier", "type": "scd", "tracks": "health", "tiers": ["low", "high"], "at": [0.5]},
        ],
    }
    fact = {
        "name": "fct_usage",
        "columns": [
            {"name": "date_key", "type": "ref.dim_date"},
            {"name": "account_id", "type": "ref.dim_account"},
            {"name": "mrr", "type": "metric.mrr"},
        ],
    }
    event = {
        "name": "evt_churn",
        "threshold": {"metric": "health", "below": 0.2, "for": 2},
        "ends_entity": True,
        "columns": [
            {"name": "churn_id", "type": "id"},
            {"name": "account_id", "type": "ref.dim_account"},
        ],
    }
    return base(dimensions=[entity], facts=[fact], events=[event]) | changes


def rejected(kw: dict, field: str, *words: str) -> ps.ConfigError:
    """The config fails with one ConfigError line on ``field`` (at load or at planning), naming ``words``."""
    with pytest.raises(ps.ConfigError) as info:
        resolve_plan(ps.create(**kw))
    err = info.value
    assert err.field == field, str(err)
    assert "\n" not in str(err)
    for word in words:
        assert word in err.message, str(err)
    return err


# 1. Declared tables named like the tables plotsim writes


@pytest.mark.parametrize(
    "name, words",
    [
        ("fct_usage_train", ["training split of fct_usage"]),
        ("FCT_USAGE_HOLDOUT", ["held-out split of fct_usage"]),
        ("_entity_features", ["entity-feature table"]),
        ("truth_metrics", ["reserved"]),
        ("Dim_Date", ["date dimension"]),
    ],
)
def test_a_table_named_like_a_generated_one_is_refused(name, words):
    kw = declared()
    kw["dimensions"] = kw["dimensions"] + [{"name": name, "grain": "reference", "count": 3, "columns": [{"name": "x_id", "type": "id"}]}]
    rejected(kw, "dimensions.1.name", repr(name), *words)


def test_tables_differing_only_in_case_are_refused():
    kw = declared()
    kw["facts"] = kw["facts"] + [{**kw["facts"][0], "name": "FCT_USAGE"}]
    rejected(kw, "facts.1.name", "'FCT_USAGE'", "'fct_usage'", "ignore case")


# 2. Columns colliding with keys and with the columns plotsim adds


@pytest.mark.parametrize("metric", ["date_key", "account_id", "Date_Key"])
def test_a_metric_named_like_a_key_column_is_refused(metric):
    kw = base(metrics=[{"name": "mrr", "type": "amount", "range": [10, 500]}, {"name": metric, "type": "score"}])
    rejected(kw, "metrics.1.name", repr(metric), "fct_account", "rename")


@pytest.mark.parametrize("column", ["valid_from", "valid_to", "IS_CURRENT", "dim_row_id", "STATUS", "Ended_On"])
def test_a_declared_column_named_like_an_engine_added_one_is_refused(column):
    kw = declared()
    dim = kw["dimensions"][0]
    kw["dimensions"] = [{**dim, "columns": dim["columns"] + [{"name": column, "type": "static.x"}]}]
    rejected(kw, "dimensions.0.columns.2.name", repr(column), "dim_account", "plotsim makes")


def test_a_fact_metric_named_like_the_version_key_is_refused():
    kw = declared()
    kw["metrics"] = kw["metrics"] + [{"name": "DIM_ROW_ID", "type": "score"}]
    fact = kw["facts"][0]
    kw["facts"] = [
        {**fact, "columns": fact["columns"] + [{"name": "version", "type": "ref.dim_account"}, {"name": "DIM_ROW_ID", "type": "metric.DIM_ROW_ID"}]}
    ]
    rejected(kw, "facts.0.columns.4.name", "'DIM_ROW_ID'", "'dim_row_id'")


def test_an_attribute_named_like_the_entity_name_column_is_refused():
    segments = [{"name": "up", "count": 4, "archetype": "growth", "attributes": {"account_name": "x"}}]
    rejected(base(segments=segments), "segments.0.attributes.account_name", "'account_name'", "dim_account")


# 3. Names unique ignoring case


@pytest.mark.parametrize(
    "kw, field",
    [
        (base(metrics=[{"name": "mrr", "type": "score"}, {"name": "MRR", "type": "score"}]), "metrics.1.name"),
        (base(segments=[{"name": "up", "count": 2, "archetype": "growth"}, {"name": "Up", "count": 2, "archetype": "decline"}]), "segments.1.name"),
        (
            base(
                segments=[
                    {"name": "up", "count": 2, "archetype": "growth", "attributes": {"Region": "x"}},
                    {"name": "down", "count": 2, "archetype": "decline", "attributes": {"region": "y"}},
                ]
            ),
            "segments.1.attributes.region",
        ),
    ],
)
def test_names_differing_only_in_case_are_refused(kw, field):
    rejected(kw, field, "ignore case")


def test_columns_differing_only_in_case_are_refused():
    kw = declared()
    fact = kw["facts"][0]
    kw["facts"] = [{**fact, "columns": fact["columns"] + [{"name": "MRR", "type": "metric.health"}]}]
    rejected(kw, "facts.0.columns.3.name", "'MRR'", "'mrr'", "ignore case")


# 4 and 10. NaN and infinity anywhere numeric


@pytest.mark.parametrize(
    "change, field",
    [
        ({"metrics": [{"name": "mrr", "type": "amount", "range": [10, NAN]}]}, "metrics.0.range.1"),
        ({"metrics": [{"name": "mrr", "type": "amount", "range": [-INF, 500]}]}, "metrics.0.range.0"),
        ({"metrics": [{"name": "mrr", "type": "score", "seasonal_sensitivity": NAN}]}, "metrics.0.seasonal_sensitivity"),
        ({"metrics": [{"name": "mrr", "type": "score", "params": {"tau": INF}}]}, "metrics.0.params.tau"),
        ({"segments": [{"name": "up", "count": 4, "archetype": "growth", "seasonal_sensitivity": INF}]}, "segments.0.seasonal_sensitivity"),
        ({"segments": [{"name": "up", "count": 4, "archetype": "growth", "attributes": {"w": [1.0, NAN]}}]}, "segments.0.attributes.w.1"),
        ({"noise": {"gaussian_sigma": 0.1, "outlier_rate": NAN}}, "noise.outlier_rate"),
        ({"seasonality": [{"months": [1], "strength": INF}]}, "seasonality.0.strength"),
        ({"connections": [{"metric_a": "mrr", "metric_b": "health", "coefficient": NAN}]}, "connections.0.coefficient"),
    ],
)
def test_nan_and_infinity_are_refused_naming_the_field(change, field):
    rejected(base(**change), field, "finite number")


def test_a_connection_whose_moments_overflow_names_the_connection():
    kw = base(
        metrics=[{"name": "mrr", "type": "index", "range": [-1e200, 1e200]}, {"name": "health", "type": "score"}], connections=["health mirrors mrr"]
    )
    rejected(kw, "connections.0", "health ~ mrr", "narrow the range")


# 5 and 9. The unit, attribute keys and identifier lengths


@pytest.mark.parametrize("unit", ["date", "Date"])
def test_a_unit_whose_dimension_is_the_date_dimension_is_refused(unit):
    rejected(base(unit=unit), "unit", "date dimension", "choose another unit")


def test_a_unit_too_long_for_the_names_made_from_it_is_refused():
    rejected(base(unit="u" * 60), "unit", "60 characters", "at most 51")


def test_a_holdout_split_name_beyond_the_identifier_limit_is_refused():
    kw = declared(holdout={"target": "health", "periods": 2})
    kw["facts"] = [{**kw["facts"][0], "name": "f" * 60}]
    rejected(kw, "facts.0.name", "63 characters", "shorten")


@pytest.mark.parametrize("key", ["bad key", "1st", "a-b", "x" * 64])
def test_an_attribute_key_that_is_not_a_name_is_refused(key):
    segments = [{"name": "up", "count": 4, "archetype": "growth", "attributes": {key: "x"}}]
    rejected(base(segments=segments), f"segments.0.attributes.{key}", "not a valid name", "letters, digits and underscores")


# 7. Sizes


@pytest.mark.parametrize(
    "segments",
    [
        [{"name": "up", "count": 2**63, "archetype": "growth"}],
        [{"name": "up", "count": 1e12, "archetype": "growth"}],
        [{"name": "up", "count": 2**62, "archetype": "growth"}, {"name": "down", "count": 2**62, "archetype": "decline"}],
    ],
)
def test_counts_beyond_one_run_are_refused_at_load(segments):
    rejected(base(segments=segments), "segments", "2^31", "several runs")


def test_a_dataset_beyond_the_machine_fails_before_generation_with_the_estimate(monkeypatch):
    config = ps.create(**base(segments=[{"name": "up", "count": 200_000, "archetype": "growth"}]))
    need = size.memory_bytes(resolve_plan(config), 200_000)
    monkeypatch.setattr(size, "machine_bytes", lambda: need - 1)
    with pytest.raises(ps.ConfigError) as info:
        ps.generate_tables(config)
    err = info.value
    assert err.field == "segments" and "\n" not in str(err)
    assert "200,000 entities x 6 periods (1,200,000 rows per fact table)" in err.message
    assert "held in memory" in err.message and "--format parquet" in err.message


def test_a_streaming_run_needs_one_block_so_it_passes_where_memory_would_not(monkeypatch, tmp_path):
    days = ("2024-01-01", "2024-12-31", "daily")  # 366 periods: blocks of 2,048 entities
    plan = resolve_plan(ps.create(**base(window=days, segments=[{"name": "up", "count": 2500, "archetype": "growth"}])))
    monkeypatch.setattr(size, "machine_bytes", lambda: size.memory_bytes(plan, 2500) - 1)
    result = ps.run(plan, tmp_path / "out", format="parquet", validate=False)
    assert result.row_counts["fct_account"] == 2500 * 366
    with pytest.raises(ps.ConfigError, match="held in memory"):
        ps.generate_tables(plan)


def test_a_window_too_long_for_one_block_fails_at_planning(monkeypatch):
    monkeypatch.setattr(size, "machine_bytes", lambda: 2**29)
    with pytest.raises(ps.ConfigError) as info:
        resolve_plan(ps.create(**base(window=("2000-01-01", "2049-12-31", "daily"), segments=[{"name": "up", "count": 2000, "archetype": "growth"}])))
    assert info.value.field == "window" and "shorten the window" in info.value.message


# 12. Locale


@pytest.mark.parametrize("locale, suggestion", [("de_de", "de_DE"), ("en_XX", "en_US"), ("klingon", "en_US")])
def test_an_unknown_locale_is_refused_at_load_with_close_matches(locale, suggestion):
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**base(locale=locale))
    assert info.value.field == "locale" and repr(locale) in info.value.message and suggestion in info.value.message


def test_an_unknown_locale_fails_validate_in_the_cli(tmp_path, capsys):
    from plotsim_dbt.cli.main import main

    path = tmp_path / "c.yaml"
    path.write_text(template_path("hr").read_text() + "\nlocale: xx_YY\n")
    assert main(["validate", str(path)]) != 0
    assert "locale: unknown Faker locale 'xx_YY'" in capsys.readouterr().out
