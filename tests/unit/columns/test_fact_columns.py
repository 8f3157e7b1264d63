"""Fact and event columns of issue 15: ``period_index`` / ``period_label`` (the row's period as
dim_date names it), an ``id`` on a per-entity-per-period fact (a surrogate key), ``pool`` with
``pick: trajectory`` and ``ref`` with ``weights`` (their reference-dialect spellings:
tests/data/reference_dialect/built/engine/)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

import plotsim_dbt as ps
from plotsim_dbt.dbt.scaffold import PROPERTIES_FILE, scaffold

ENGINE = Path(__file__).resolve().parents[2] / "data" / "reference_dialect" / "built" / "engine"
MOODS = ["sad", "ok", "glad"]
WEIGHTS = {1: 0.5, 2: 0.3, 4: 0.2}  # key 3 unlisted: weight 0


def kwargs(every: str = "monthly", window=("2024-01", "2024-12"), count: int = 150, **fact_columns) -> dict:
    columns = [{"date_key": "ref.dim_date"}, {"shop_id": "ref.dim_shop"}, {"visits": "metric.visits"}]
    columns += [{"name": name, **spec} for name, spec in fact_columns.items()]
    return dict(
        about="issue 15 fact columns",
        unit="shop",
        window=(*window, every),
        seed=11,
        metrics=[{"name": "visits", "type": "score"}],
        segments=[
            {"name": "rising", "count": count, "archetype": "growth", "attributes": {"mood": MOODS}},
            {"name": "late", "count": count, "archetype": "decline", "arrival": {"kind": "uniform"}, "attributes": {"mood": MOODS}},
        ],
        dimensions=[
            {"name": "dim_channel", "grain": "reference", "count": 4, "columns": [{"channel_id": "id"}]},
            {"name": "dim_shop", "columns": [{"shop_id": "id"}]},
        ],
        facts=[{"name": "fct_shop", "columns": columns}],
    )


def fact_of(**kw):
    config = ps.create(**kwargs(**kw))
    tables, state = ps.generate_tables_with_state(config)
    assert ps.validate(config, tables).ok
    return config, tables, state


@pytest.mark.parametrize(
    "every, window", [("monthly", ("2024-01", "2024-12")), ("weekly", ("2024-01", "2024-03")), ("daily", ("2024-02-20", "2024-03-10"))]
)
def test_period_columns_name_the_rows_period_as_dim_date_does(every, window):
    _, tables, _ = fact_of(every=every, window=window, count=20, t={"type": "period_index"}, label={"type": "period_label"})
    fact, dates = tables["fct_shop"], tables["dim_date"]
    joined = fact.merge(dates, on="date_key", suffixes=("", "_dim"))
    assert len(joined) == len(fact) and fact["t"].nunique() == len(dates)
    assert (joined["t"] == joined["period_index"]).all() and (joined["label"] == joined["period_label"]).all()
    pattern = {"monthly": r"\d{4}-\d{2}", "weekly": r"\d{4}-W\d{2}", "daily": r"\d{4}-\d{2}-\d{2}"}[every]
    assert fact["label"].str.fullmatch(pattern).all()


def test_an_id_on_a_per_period_fact_is_a_unique_surrogate_key_from_entity_and_period():
    config, tables, _ = fact_of(row_id={"type": "id"}, t={"type": "period_index"})
    fact = tables["fct_shop"]
    assert fact["row_id"].is_unique and fact["row_id"].notna().all()
    assert len(fact) < 2 * 150 * config.window.periods  # late arrivals drop rows: the key still follows (entity, period)
    assert (fact["row_id"] == (fact["shop_id"] - 1) * config.window.periods + fact["t"] + 1).all()


def test_dbt_gets_unique_and_not_null_on_the_surrogate_key_and_relationships_on_the_period_columns(tmp_path):
    scaffold(ps.create(**kwargs(row_id={"type": "id"}, label={"type": "period_label"})), "shops", tmp_path)
    models = yaml.safe_load((tmp_path / PROPERTIES_FILE).read_text())["models"]
    columns = {c["name"]: c.get("data_tests", []) for c in next(m for m in models if m["name"] == "fct_shop")["columns"]}
    assert {"unique", "not_null"} <= {t for t in columns["row_id"] if isinstance(t, str)}
    relationship = next(t["relationships"]["arguments"] for t in columns["label"] if isinstance(t, dict) and "relationships" in t)
    assert relationship["field"] == "period_label" and "dim_date" in relationship["to"]


def test_a_trajectory_pool_picks_the_choice_at_the_rows_position():
    _, tables, state = fact_of(mood={"type": "pool.mood", "pick": "trajectory"}, t={"type": "period_index"})
    fact = tables["fct_shop"]
    truth = state.truth["truth_trajectory"].to_pandas()
    merged = fact.merge(truth, left_on=["shop_id", "t"], right_on=["entity_id", "period_index"])
    assert len(merged) == len(fact)
    index = np.minimum(np.floor(merged["position"].clip(0, 1) * len(MOODS)).astype(int), len(MOODS) - 1)
    assert (merged["mood"] == np.array(MOODS)[index]).all()
    assert (fact.groupby("shop_id")["mood"].nunique() > 1).any()  # unlike a uniform pick, it moves with the trajectory


def test_a_uniform_pool_still_keeps_one_choice_per_entity():
    _, tables, _ = fact_of(mood={"type": "pool.mood"})
    assert (tables["fct_shop"].groupby("shop_id")["mood"].nunique() == 1).all()


def test_weighted_reference_keys_take_their_share_within_binomial_tolerance():
    _, tables, _ = fact_of(count=400, channel={"type": "ref.dim_channel", "weights": WEIGHTS})
    channel = tables["fct_shop"]["channel"]
    n = len(channel)
    shares = channel.value_counts(normalize=True)
    assert set(shares.index) == set(WEIGHTS)  # the unlisted key gets weight 0
    total = sum(WEIGHTS.values())
    for key, weight in WEIGHTS.items():
        p = weight / total
        assert abs(shares[key] - p) < 4 * np.sqrt(p * (1 - p) / n), key  # 4 sigma of a binomial share


WEIGHT_ERRORS = [
    ({"type": "ref.dim_channel", "weights": {5: 1.0}}, "key 5 is not a row of dim_channel (its keys are 1..4)"),
    ({"type": "ref.dim_channel", "weights": {1: -1.0, 2: 2.0}}, "finite numbers >= 0"),
    ({"type": "ref.dim_channel", "weights": {1: 0.0}}, "at least one above 0"),
    ({"type": "ref.dim_shop", "weights": {1: 1.0}}, "dim_shop is not one (remove weights)"),
]


@pytest.mark.parametrize("column, words", WEIGHT_ERRORS, ids=[w for _, w in WEIGHT_ERRORS])
def test_weights_that_cannot_pick_a_reference_row_are_refused(column, words):
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**kwargs(channel=column))
    assert info.value.field == "facts.0.columns.3.weights" and words in info.value.message


def test_an_unknown_pool_pick_and_a_period_column_on_a_dimension_are_refused():
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**kwargs(mood={"type": "pool.mood", "pick": "random"}))
    assert info.value.field.startswith("facts.0.columns.3") and "'uniform' or 'trajectory'" in info.value.message
    kw = kwargs()
    kw["dimensions"][1]["columns"].append({"t": "period_index"})
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**kw)
    assert info.value.field == "dimensions.1.columns.1.type" and "cannot hold 'period_index'" in info.value.message


def test_the_reference_dialect_maps_entity_id_and_weighted_keys_onto_ours():
    tables = ps.generate_tables(ps.load_config(ENGINE / "entity_id_column.yaml"))
    fact = tables["fct_shop"]
    assert (fact["entity"] == fact["shop_id"]).all()
    config = ps.load_config(ENGINE / "weighted_fk.yaml")  # weights {r-001: 2.0, r-002: 1.0} of three regions
    assert config.facts[0].columns[3].weights == {1: 2.0, 2: 1.0}
    assert set(ps.generate_tables(config)["fct_shop"]["region_id"]) <= {1, 2}


def test_a_reference_weight_key_that_names_no_row_is_refused_at_the_users_field():
    data = yaml.safe_load((ENGINE / "weighted_fk.yaml").read_text())
    data["tables"][1]["columns"][3]["distribution"]["weights"] = {"north": 1.0}
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**data)
    assert info.value.field == "tables.1.columns.3.distribution.weights" and "not a row key" in info.value.message
    data["tables"][1]["columns"][3]["distribution"]["weights"] = {"r-009": 1.0}
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**data)
    assert info.value.field == "tables.1.columns.3.distribution.weights" and "key 9 is not a row of dim_region" in info.value.message


def test_the_natural_key_of_an_scd2_dimension_is_not_scaffolded_unique(tmp_path):
    """An SCD2 dimension repeats its entity's id on every version: only its dim_row_id is unique."""
    config = ps.load_template("saas")
    scaffold(config, "saas", tmp_path)
    models = yaml.safe_load((tmp_path / PROPERTIES_FILE).read_text())["models"]
    scd = next(m for m in models if any(c["name"] == "dim_row_id" for c in m["columns"]))
    columns = {c["name"]: [t for t in c.get("data_tests", []) if isinstance(t, str)] for c in scd["columns"]}
    natural = next(name for name in columns if name.endswith("_id") and name != "dim_row_id")
    assert "unique" in columns["dim_row_id"] and "unique" not in columns[natural] and "not_null" in columns[natural], columns
