"""Multi-source entities: each source's copy of the entity dimension (keys, coverage, drift) and
the entity-resolution answer key that maps its rows back to the entities."""

from __future__ import annotations

import math
from difflib import SequenceMatcher
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
import yaml

import plotsim_dbt as ps
from plotsim_dbt import create
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.config.errors import ConfigError
from plotsim_dbt.config.load import read_yaml
from plotsim_dbt.sources.drift import drifted

REFERENCE_ENGINE = Path(__file__).resolve().parents[2] / "data" / "reference_dialect" / "built" / "engine" / "multi_source.yaml"
ENTITIES = 1500
SOURCES = [
    {"name": "crm", "key_scheme": "prefix_padded", "name_drift_rate": 0.3, "attribute_drift_rate": 0.1},
    {"name": "erp", "key_scheme": "numeric", "name_drift_rate": 0.05, "coverage": 0.8},
    {"name": "web", "key_scheme": "uuid_short", "attribute_drift_rate": 0.25, "coverage": 0.6},
]
KEY_FORMS = {"crm": r"CRM-\d{6}", "erp": r"\d{10}", "web": r"[0-9a-f]{8}"}


def config(sources=SOURCES, **changes):
    base = {
        "about": "sources",
        "unit": "company",
        "window": {"start": "2024-01", "end": "2024-06"},
        "seed": 3,
        "metrics": [{"name": "engagement", "type": "score"}],
        "segments": [{"name": "up", "count": ENTITIES // 2, "archetype": "growth"}, {"name": "down", "count": ENTITIES // 2, "archetype": "decline"}],
        "dimensions": [
            {
                "name": "dim_company",
                "columns": [
                    {"company_id": "id"},
                    {"company_name": "company"},
                    {"city": "city"},
                    {"segment": "segment"},
                    {"name": "plan", "type": "scd", "tracks": "engagement", "tiers": ["free", "pro"], "at": [0.5]},
                ],
            }
        ],
        "facts": [
            {"name": "fct_company", "columns": [{"date_key": "ref.dim_date"}, {"company_id": "ref.dim_company"}, {"engagement": "metric.engagement"}]}
        ],
        "sources": sources,
    }
    return create(**(base | changes))


@pytest.fixture(scope="module")
def run():
    cfg = config()
    tables, state = generate_arrow(cfg)
    return cfg, {k: v.to_pandas() for k, v in tables.items()}, state.truth["truth_entity_resolution"].to_pandas()


def current(tables) -> pd.DataFrame:
    dim = tables["dim_company"]
    return dim[dim["is_current"]].set_index("company_id")


def within(share: float, rate: float, n: int) -> bool:
    """A binomial share within 4.5 standard errors of its rate (false alarm ~ 1e-5 per check)."""
    return abs(share - rate) <= 4.5 * math.sqrt(rate * (1 - rate) / n) + 1e-12


def test_each_source_is_a_table_keyed_its_own_way(run):
    _, tables, truth = run
    for source, form in KEY_FORMS.items():
        keys = tables[f"dim_company_{source}"]["source_key"]
        assert keys.is_unique and keys.str.fullmatch(form).all(), source
        mine = truth[truth["source"] == source]
        assert set(mine["source_key"]) == set(keys) and mine["entity_id"].is_unique


def test_coverage_leaves_out_its_share_of_the_entities(run):
    _, tables, _ = run
    for s in SOURCES:
        share = len(tables[f"dim_company_{s['name']}"]) / ENTITIES
        rate = s.get("coverage", 1.0)
        assert share == 1.0 if rate == 1.0 else within(share, rate, ENTITIES), s["name"]


def test_the_truth_maps_every_row_to_its_entity_and_lists_what_drifted(run):
    _, tables, truth = run
    entities = current(tables)
    for s in SOURCES:
        copy = tables[f"dim_company_{s['name']}"].merge(truth[truth["source"] == s["name"]], on="source_key")
        true = entities.loc[copy["entity_id"]].reset_index()
        differs = pd.DataFrame({c: copy[c].to_numpy() != true[c].to_numpy() for c in ("company_name", "city", "segment", "plan")})
        listed = copy["drifted_columns"].fillna("").str.split(",")
        assert [sorted(c for c in differs.columns if row[c]) for _, row in differs.iterrows()] == [sorted(filter(None, x)) for x in listed]
        n = len(copy)
        assert within(differs["company_name"].mean(), s.get("name_drift_rate", 0.0), n), s["name"]
        for column in ("city", "segment", "plan"):
            assert within(differs[column].mean(), s.get("attribute_drift_rate", 0.0), n), (s["name"], column)


def test_drifted_text_stays_recognisable(run):
    _, tables, truth = run
    entities = current(tables)
    copy = tables["dim_company_crm"].merge(truth, on="source_key")
    hit = copy[copy["drifted_columns"].fillna("").str.contains("company_name")]
    true = entities.loc[hit["entity_id"], "company_name"].to_numpy()
    # a dropped character, an abbreviated last word, a case change or a doubled space: mostly the same letters
    assert all(SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.6 for a, b in zip(hit["company_name"], true))
    assert len(hit) > 0


@pytest.mark.parametrize("value", ["", "A", "ab", "ACME", "acme", "Smith J.", "Hunter, Moss and Ray", "  ", "x y"])
def test_a_drifted_value_always_differs(value):
    kinds = [0.1, 0.3, 0.6, 0.9]
    assert all(drifted(value, kind, where) != value for kind in kinds for where in (0.0, 0.5, 0.99))


def test_a_source_key_depends_on_the_seed_source_and_entity_only():
    first = generate_arrow(config(), tables=["truth_entity_resolution"])[0]["truth_entity_resolution"].to_pandas()
    other = [{**SOURCES[0], "name_drift_rate": 0.0, "coverage": 0.5}, SOURCES[1]]
    second = generate_arrow(config(other), tables=["truth_entity_resolution"])[0]["truth_entity_resolution"].to_pandas()
    both = first.merge(second, on=["source", "entity_id"])
    assert len(both) > 500 and (both["source_key_x"] == both["source_key_y"]).all()
    reseeded = generate_arrow(config(seed=4), tables=["truth_entity_resolution"])[0]["truth_entity_resolution"].to_pandas()
    assert (reseeded["source_key"].head(50).to_numpy() != first["source_key"].head(50).to_numpy()).mean() > 0.9


def test_the_warehouse_with_sources_validates_and_a_repeated_source_key_does_not(run):
    cfg, _, _ = run
    tables, _ = generate_arrow(cfg)
    assert ps.validate(cfg, tables).ok
    crm = tables["dim_company_crm"]
    tables["dim_company_crm"] = pa.concat_tables([crm, crm.slice(0, 2)])  # two rows delivered twice
    errors = ps.validate(cfg, tables).errors
    assert [(e.check, e.table, e.details["duplicates"]) for e in errors] == [("pk_uniqueness", "dim_company_crm", 2)]


@pytest.mark.parametrize(
    "sources, field, words",
    [
        ([{"name": "crm"}], "sources", "give 2 to 5"),
        ([{"name": "crm"}, {"name": "CRM"}], "sources.1.name", "declared twice"),
        ([{"name": f"s{i}"} for i in range(6)], "sources", "at most 5"),
        ([{"name": "crm", "coverage": 0}, {"name": "erp"}], "sources.0.coverage", "greater than 0"),
        ([{"name": "crm", "key_scheme": "guid"}, {"name": "erp"}], "sources.0.key_scheme", "prefix_padded"),
    ],
)
def test_bad_sources_are_one_clear_error(sources, field, words):
    with pytest.raises(ConfigError) as caught:
        config(sources)
    assert caught.value.field == field and words in caught.value.message, caught.value


def test_a_source_table_named_like_another_table_is_refused():
    dims = [
        *config([]).model_dump()["dimensions"],
        {"name": "dim_company_crm", "grain": "reference", "columns": [{"crm_id": "id"}, {"crm_plan": "static.a,b"}]},
    ]
    with pytest.raises(ConfigError) as caught:
        generate_arrow(config([{"name": "crm"}, {"name": "erp"}], dimensions=dims), tables=["dim_date"])
    assert caught.value.field == "sources.0.name" and "is taken by another table; rename the source" in caught.value.message


@pytest.mark.parametrize(
    "sources, field, words",
    [
        ([{"name": "crm-x"}, {"name": "erp"}], "multi_source.sources.0.name", "not a valid name"),
        ([{"name": "crm"}], "multi_source.sources", "give 2 to 5"),
    ],
)
def test_errors_in_the_reference_engine_form_name_its_fields(tmp_path, sources, field, words):
    data = read_yaml(REFERENCE_ENGINE)
    data["multi_source"]["sources"] = sources
    (tmp_path / "engine.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError) as caught:
        ps.load_config(tmp_path / "engine.yaml")
    assert caught.value.field == field and words in caught.value.message, caught.value
