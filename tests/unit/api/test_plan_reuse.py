"""A resolved Plan stands in for its config in every API function, so repeated calls plan once."""

from __future__ import annotations

import pytest

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.dbt.scaffold import scaffold
from plotsim_dbt.inspect import trace_metric_cell
from plotsim_dbt.plan import resolve
from plotsim_dbt.plan.resolve import resolve_plan


@pytest.fixture()
def plan_once(monkeypatch):
    plan = resolve_plan(ps.load_template("saas"))

    def no_planning(*args, **kwargs):
        raise AssertionError("the plan was resolved again")

    monkeypatch.setattr(resolve, "resolve_plan", no_planning)
    return plan


def test_a_hundred_traces_of_one_plan_do_not_plan_again(plan_once):
    entities = generate_arrow(plan_once, tables=["truth_entities"])[0]["truth_entities"].to_pandas()
    lived = entities["start_period"].to_numpy()  # a period of each entity's life: its arrival
    traces = [trace_metric_cell(plan_once, entity_id=1 + i, period_index=int(lived[i]), metric_name="mrr") for i in range(100)]
    assert len({t.entity_id for t in traces}) == 100


def test_generate_validate_manifest_write_and_scaffold_take_the_plan(plan_once, tmp_path):
    tables = ps.generate_tables(plan_once)
    assert ps.validate(tables, plan_once).ok
    manifest = ps.build_manifest(plan_once, tables=tables)
    assert manifest["config_sha256"] == plan_once.config_sha256
    ps.write_tables(tables, plan_once, tmp_path / "out", manifest=manifest)
    assert ps.run(plan_once, tmp_path / "run").report.ok
    assert (tmp_path / "run" / "manifest.json").read_bytes() == (tmp_path / "out" / "manifest.json").read_bytes()
    assert scaffold(plan_once, "saas", tmp_path / "models")


def test_a_plan_with_another_seed_is_reseeded_not_replanned(plan_once):
    ours = ps.generate_tables(plan_once)["fct_revenue"]
    other = ps.generate_tables(plan_once, __import__("numpy").random.default_rng(7))["fct_revenue"]
    assert not ours["mrr"].equals(other["mrr"])
