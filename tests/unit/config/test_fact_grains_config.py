"""Config rules of variable and child facts and of references between facts: each mistake is one
ConfigError naming the field and the fix."""

from __future__ import annotations

import copy

import pytest

import plotsim_dbt as ps

BASE = dict(
    about="grain errors",
    unit="company",
    window=("2024-01", "2024-06"),
    seed=1,
    metrics=[{"name": "engagement", "type": "score"}, {"name": "total", "type": "amount", "range": [10, 500]}, {"name": "ratio", "type": "score"}],
    segments=[{"name": "up", "count": 5, "archetype": "growth"}],
    dimensions=[{"name": "dim_company", "columns": [{"company_id": "id"}]}],
    facts=[
        {
            "name": "fct_company",
            "columns": [
                {"date_key": "ref.dim_date"},
                {"company_id": "ref.dim_company"},
                {"engagement": "metric.engagement"},
                {"ratio": "metric.ratio"},
            ],
        },
        {
            "name": "fct_orders",
            "proportional": {"driver": "engagement", "scale": 2},
            "columns": [
                {"order_id": "id"},
                {"date_key": "ref.dim_date"},
                {"company_id": "ref.dim_company"},
                {"total": "metric.total"},
                {"ratio": "metric.ratio"},
            ],
        },
        {
            "name": "fct_items",
            "parent": "fct_orders",
            "children_per_row": [1, 3],
            "columns": [
                {"item_id": "id"},
                {"order_id": "ref.fct_orders"},
                {"date_key": "ref.dim_date"},
                {"company_id": "ref.dim_company"},
                {"amount": "share.total"},
            ],
        },
    ],
)


def changed(change) -> dict:
    kw = copy.deepcopy(BASE)
    change(kw)
    return kw


def fails(kw: dict) -> ps.ConfigError:
    with pytest.raises(ps.ConfigError) as info:
        ps.create(**kw)
    return info.value


def test_the_base_loads_with_its_grains():
    config = ps.create(**BASE)
    assert [f.grain for f in config.facts] == ["entity_period", "variable", "child"]


CASES = [
    ("both grains", lambda kw: kw["facts"][1].update(parent="fct_company", children_per_row=[1, 2]), "facts.1.parent", "not both"),
    ("no children range", lambda kw: kw["facts"][2].pop("children_per_row"), "facts.2.children_per_row", "together"),
    ("zero children", lambda kw: kw["facts"][2].update(children_per_row=[0, 2]), "facts.2.children_per_row", "min >= 1"),
    (
        "unknown driver",
        lambda kw: kw["facts"][1].update(proportional={"driver": "nope", "scale": 1}),
        "facts.1.proportional.driver",
        "not a declared metric",
    ),
    ("unknown parent", lambda kw: kw["facts"][2].update(parent="fct_nope"), "facts.2.parent", "not another declared fact"),
    ("own parent", lambda kw: kw["facts"][2].update(parent="fct_items"), "facts.2.parent", "not another declared fact"),
    ("cycle", lambda kw: kw["facts"][1].update(proportional=None, parent="fct_items", children_per_row=[1, 1]), "facts.1.parent", "cycle"),
    ("no parent key", lambda kw: kw["facts"][2]["columns"].pop(1), "facts.2.columns", "needs a ref.fct_orders column"),
    ("no row key", lambda kw: kw["facts"][1]["columns"].pop(0), "facts.1.columns", "exactly one id column"),
    (
        "two keys on a period fact",
        lambda kw: kw["facts"][0]["columns"].extend([{"row_id": "id"}, {"other_id": "id"}]),
        "facts.0.columns.5.type",
        "at most one id column",
    ),
    (
        "ref to a period fact",
        lambda kw: kw["facts"][1]["columns"].append({"cell": "ref.fct_company"}),
        "facts.1.columns.5.type",
        "keyed by date and entity",
    ),
    ("share outside a child", lambda kw: kw["facts"][1]["columns"].append({"part": "share.total"}), "facts.1.columns.5.type", "not a child fact"),
    (
        "share of nothing",
        lambda kw: kw["facts"][2]["columns"].append({"part": "share.nope"}),
        "facts.2.columns.5.type",
        "no metric or share column 'nope'",
    ),
    (
        "share of a float",
        lambda kw: kw["facts"][2]["columns"].append({"part": "share.ratio"}),
        "facts.2.columns.5.type",
        "give the metric ratio decimals",
    ),
    (
        "fault in a dimension",
        lambda kw: kw.update(quality=[{"issue": "duplicate_rows", "table": "dim_company", "rate": 0.1}]),
        "quality.0.table",
        "not dimensions or bridges",
    ),
    (
        "features without a period fact",
        lambda kw: (kw["facts"].pop(0), kw.update(entity_features=True)),
        "entity_features",
        "needs a fact table with one row per entity and period",
    ),
]


@pytest.mark.parametrize("label, change, field, words", CASES, ids=[c[0] for c in CASES])
def test_a_grain_mistake_is_one_error_naming_the_field(label, change, field, words):
    err = fails(changed(change))
    assert err.field == field and words in err.message, str(err)
