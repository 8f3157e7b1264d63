"""A property-based config fuzzer: the bundled templates and a small create() config, mutated
(numbers to NaN, infinity, huge or negative values; names to case twins, SQL keywords, reserved and
generated names; keys dropped or added). Every mutant either loads and generates valid output (the
validation passes, no NaN outside declared missing values, row counts as declared) or raises one
ConfigError line naming the field. Any other exception fails. Derandomized and bounded in time.
A mapping or a list may also become a number or a name (a wrongly shaped value)."""

from __future__ import annotations

import copy
import math
import warnings

import pyarrow as pa
import pyarrow.compute as pc
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.plan.resolve import resolve_plan
from plotsim_dbt.plan.tables import EntityTable, FactTable, ReferenceTable
from plotsim_dbt.templates import list_templates, template_path
from plotsim_dbt.validation import validate_tables

MAX_EXAMPLES = 200  # about a minute on one core: a mutant loads, plans and generates in ~0.2 s

SMALL = dict(
    about="fuzz",
    unit="account",
    window={"start": "2024-01", "end": "2024-08"},
    metrics=[
        {"name": "mrr", "type": "amount", "range": [10, 500]},
        {"name": "health", "type": "score"},
        {"name": "tickets", "type": "count", "range": [0, 6], "polarity": "negative", "follows": "health", "delay": 1},
    ],
    connections=["health mirrors mrr"],
    segments=[
        {"name": "up", "count": 3, "archetype": "growth", "attributes": {"region": ["eu", "us"]}},
        {"name": "down", "count": 3, "archetype": "decline"},
    ],
    noise={"gaussian_sigma": 0.05, "mcar_rate": 0.0},
    seasonality=[{"months": [12], "strength": 0.2}],
)


def small_template(name: str) -> dict:
    """A bundled template with at most 3 entities a segment, so a mutant generates in a blink."""
    data = yaml.safe_load(template_path(name).read_text(encoding="utf-8"))
    for segment in data["segments"]:
        segment["count"] = min(segment["count"], 3)
    return data


BASES = {name: small_template(name) for name in list_templates()} | {"create": SMALL}

NUMBERS = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, 2**63, 2**62, 1e12, -1, 0, 0.5, 1e-300]),
    st.integers(-(2**64), 2**64),
    st.floats(allow_nan=True, allow_infinity=True),
)
NAMES = st.sampled_from(
    [
        "order",
        "group",
        "select",
        "null",
        "true",
        "date",
        "date_key",
        "dim_date",
        "valid_from",
        "valid_to",
        "is_current",
        "dim_row_id",
        "status",
        "ended_on",
        "truth_metrics",
        "_entity_features",
        "entity_features",
        "account_id",
        "employee_id",
        "",
        "a b",
        "1x",
        "x" * 70,
        "MRR",
        "Health",
        "HEALTH",
        "Engagement",
        "fct_usage_train",
        "fct_usage_holdout",
        "ü",
    ]
)


def leaves(data, path=()):
    """Every (path, value) in a nested config, mappings and lists included."""
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from leaves(value, (*path, i))


def mutate(data: dict, draw) -> dict:
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        path, value = draw(st.sampled_from(list(leaves(data))[1:]))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        if isinstance(value, (dict, list)):
            choice = draw(st.sampled_from(["drop", "extra", "copy", "name", "number"]))
        elif isinstance(value, bool) or draw(st.integers(0, 4)) == 0:
            choice = draw(st.sampled_from(["drop", "name", "number"]))
        elif isinstance(value, (int, float)):
            choice = "number"
        elif isinstance(value, str):
            choice = draw(st.sampled_from(["name", "case", "number"]))
        if choice == "drop":
            del parent[key]
        elif choice == "extra" and isinstance(value, dict):
            value[draw(st.sampled_from(["colour", "name", "count", "range"]))] = draw(st.one_of(NUMBERS, NAMES))
        elif choice == "copy" and isinstance(value, list) and value:
            value.append(copy.deepcopy(draw(st.sampled_from(value))))  # a twin: duplicate names, tables, segments
        elif choice == "case":
            parent[key] = value.upper() if value != value.upper() else value.lower()
        elif choice in ("extra", "copy"):
            pass  # an extra key needs a mapping, a twin a non-empty list
        elif choice == "name":
            parent[key] = draw(NAMES)
        else:
            parent[key] = draw(NUMBERS)
    return data


def check_output(config: ps.Config) -> None:
    """The generated tables validate, hold NaN only where missing values are declared, and have the declared row counts."""
    plan = resolve_plan(config)
    tables, _ = generate_arrow(plan)
    report = validate_tables(plan, tables)
    assert report.ok, report.text(plan)
    mcar = config.noise.mcar_rate > 0
    for name, table in tables.items():
        metrics = set(plan.tables[name].metric_columns)
        for column, values in zip(table.column_names, table.columns, strict=True):
            if pa.types.is_floating(values.type) and not (mcar and column in metrics):
                assert not pc.any(pc.is_nan(values)).as_py(), f"NaN in {name}.{column}"
    unbroken = all(s.arrival is None for s in config.segments) and not any(e.ends_entity for e in config.schema.events)
    for table in plan.tables.values():
        rows = tables[table.name].num_rows
        if isinstance(table, ReferenceTable):
            assert rows == table.rows, table.name
        elif isinstance(table, EntityTable) and table.scd is None:
            assert rows == plan.entity_count, table.name
        elif isinstance(table, FactTable) and unbroken:
            assert rows == plan.entity_count * plan.periods, table.name


RAN = {"cases": 0, "config_errors": 0, "generated": 0}  # cases: draws started (some stop early, too large)


@pytest.fixture(scope="module", autouse=True)
def report_counts():
    yield
    print(f"\nconfig fuzzer: {RAN['cases']} cases, {RAN['config_errors']} ConfigError, {RAN['generated']} generated and valid")


@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(base=st.sampled_from(sorted(BASES)), data=st.data())
def test_every_mutant_loads_and_generates_valid_output_or_fails_with_one_config_error(base, data):
    RAN["cases"] += 1
    mutant = mutate(BASES[base], data.draw)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            config = ps.create(**mutant)
            check_output(config)
    except ps.ConfigError as err:
        RAN["config_errors"] += 1
        assert err.field, f"no field named: {err}"
        assert "\n" not in str(err), f"more than one line: {err}"
        return
    RAN["generated"] += 1
