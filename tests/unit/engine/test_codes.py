"""``code`` columns: `<PREFIX>-<NNNNN>` display codes, unique per entity, free of the segment name and
order, the same at every block size and worker count, and repeated on every SCD2 version."""

from __future__ import annotations

import re

import numpy as np
import pyarrow.compute as pc
import pytest

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.plan.resolve import resolve_plan

SEGMENTS = [("grower", 1500, "growth"), ("fader", 1200, "decline"), ("steady", 300, "flat")]  # 3,000 entities: 3 key blocks


def config(code: dict | None = None, **changes) -> ps.Config:
    base = dict(
        about="codes",
        unit="company",
        window=("2024-01", "2024-06"),
        metrics=[{"name": "mrr", "type": "amount", "range": [50, 5000]}],
        segments=[{"name": n, "count": c, "archetype": a} for n, c, a in SEGMENTS],
        dimensions=[
            {
                "name": "dim_company",
                "columns": [
                    {"company_id": "id"},
                    {"name": "company_code", "type": "code", **(code or {})},
                    {"segment": "segment"},
                    {"name": "tier", "type": "scd", "tracks": "mrr", "tiers": ["low", "high"], "at": [0.5], "monotonic": False},
                ],
            }
        ],
        facts=[
            {
                "name": "fct_revenue",
                "columns": [
                    {"date_key": "ref.dim_date"},
                    {"company_id": "ref.dim_company"},
                    {"mrr": "metric.mrr"},
                    {"company_code": "code"},
                ],
            }
        ],
        seed=4,
    )
    return ps.create(**{**base, **changes})


@pytest.fixture(scope="module")
def tables():
    return generate_arrow(config(), block_size=1024)[0]


def current(dim):
    return dim.filter(pc.field("is_current"))


def test_codes_are_unique_formatted_and_free_of_the_segment(tables):
    dim = current(tables["dim_company"])
    codes = dim.column("company_code").to_pylist()
    assert len(codes) == 3000 and len(set(codes)) == 3000
    assert all(re.fullmatch(r"COM-\d{5}", c) for c in codes)  # prefix: the unit's first three letters
    assert not any(name in code.lower() for code in codes for name, _, _ in SEGMENTS)


def test_codes_do_not_follow_segment_or_id_order(tables):
    dim = current(tables["dim_company"])
    by_code = dim.sort_by("company_code")
    segments = by_code.column("segment").to_pylist()
    runs = 1 + sum(a != b for a, b in zip(segments, segments[1:]))
    assert runs > 500, "sorted by code, the segments interleave"  # in segment order there would be 3 runs
    ids = by_code.column("company_id").to_numpy()
    assert abs(np.corrcoef(ids, np.arange(len(ids)))[0, 1]) < 0.2, "codes are not a relabelling of the id order"


def test_codes_repeat_on_every_version_and_in_the_facts(tables):
    dim = tables["dim_company"]
    assert dim.num_rows > 3000, "the tier changes, so some companies have several versions"
    pairs = set(zip(dim.column("company_id").to_pylist(), dim.column("company_code").to_pylist()))
    assert len(pairs) == 3000  # one code per company, on each of its versions
    fact_pairs = set(zip(tables["fct_revenue"].column("company_id").to_pylist(), tables["fct_revenue"].column("company_code").to_pylist()))
    assert fact_pairs == pairs


@pytest.mark.parametrize(("block_size", "workers"), [(4096, 1), (1024, 2)])
def test_codes_do_not_depend_on_blocks_or_workers(tables, block_size, workers):
    other = generate_arrow(config(), block_size=block_size, workers=workers, tables=["dim_company"])[0]["dim_company"]
    assert other.column("company_code").equals(tables["dim_company"].column("company_code"))


def test_prefix_width_and_seed(tables):
    dim = current(generate_arrow(config({"prefix": "ACME", "width": 7}), tables=["dim_company"])[0]["dim_company"])
    assert all(re.fullmatch(r"ACME-\d{7}", c) for c in dim.column("company_code").to_pylist())
    reseeded = generate_arrow(config(), seed=5, tables=["dim_company"])[0]["dim_company"]
    assert not reseeded.column("company_code").equals(tables["dim_company"].column("company_code"))


def test_a_width_too_small_for_the_entities_is_refused():
    big = [("grower", 60_000, "growth"), ("fader", 50_000, "decline")]
    with pytest.raises(ps.ConfigError) as info:
        config({"width": 5}, segments=[{"name": n, "count": c, "archetype": a} for n, c, a in big])
    assert info.value.field == "dimensions.0.columns.1.width" and "110000 entities" in info.value.message
    with pytest.raises(ps.ConfigError, match="columns.1.prefix"):
        config({"prefix": "A-B"})


def test_the_code_is_described_for_dbt():
    column = resolve_plan(config()).tables["dim_company"].column("company_code")
    assert column.not_null and "COM-NNNNN" in column.description and "segment" in column.description
