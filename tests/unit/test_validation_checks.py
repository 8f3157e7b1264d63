"""validate(tables, config) (the older argument order, still accepted): clean output passes; each check catches the fault it exists for,
on a copy of clean tables broken in one place, and names the check and the table."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.config.load import read_yaml
from plotsim_dbt.templates import template_path
from plotsim_dbt.validation import CHECKS


def small_template(name: str, per_segment: int = 12) -> ps.Config:
    """A bundled template with fewer entities per segment and no metric connections (same
    tables, same window): the checks do not look at correlations, and planning them is what
    makes resolving a config slow."""
    kw = read_yaml(template_path(name))
    kw["segments"] = [{**s, "count": per_segment} for s in kw["segments"]]
    kw["connections"] = []
    return ps.create(**kw)


@pytest.fixture(scope="module")
def saas():
    cfg = small_template("saas")
    tables, state = generate_arrow(cfg)
    return cfg, tables, state


def issues(report) -> set[tuple[str, str]]:
    return {(i.check, i.table) for i in report.issues}


def broken(tables: dict, name: str, table: pa.Table) -> dict:
    return {**tables, name: table}


def set_cell(table: pa.Table, column: str, row: int, value) -> pa.Table:
    values = table.column(column).to_pylist()
    values[row] = value
    i = table.schema.get_field_index(column)
    return table.set_column(i, table.schema.field(i), pa.array(values, table.schema.field(i).type))


def append_rows(table: pa.Table, rows: list[dict]) -> pa.Table:
    return pa.concat_tables([table, pa.Table.from_pylist(rows, schema=table.schema)])


def drop_row(table: pa.Table, row: int) -> pa.Table:
    return pa.concat_tables([table.slice(0, row), table.slice(row + 1)])


def versions(dim: pa.Table) -> dict[int, list[tuple[int, dict]]]:
    """company_id -> [(row index, row)] of the SCD2 dimension."""
    out: dict[int, list[tuple[int, dict]]] = {}
    for i, row in enumerate(dim.to_pylist()):
        out.setdefault(row["company_id"], []).append((i, row))
    return out


def entity_with_versions(dim: pa.Table, at_least: int = 2) -> list[tuple[int, dict]]:
    return next(v for v in versions(dim).values() if len(v) >= at_least)


def errors_of(report, check: str, table: str) -> list[str]:
    return [i.message for i in report.issues if (i.check, i.table) == (check, table) and i.severity == "error"]


# ------------------------------------------------------------------------------ clean output


def test_clean_saas_output_passes_every_check(saas):
    cfg, tables, _ = saas
    report = ps.validate(tables, cfg)
    assert report.ok and report.issues == ()
    assert (
        report.checks_run
        == CHECKS
        == (
            "pk_uniqueness",
            "fk_integrity",
            "date_spine",
            "empty_event_table",
            "cross_dim_fk_cardinality",
            "scd_integrity",
            "bridge_integrity",
            "geo_consistency",
            "children_per_row",
            "children_sum",
        )
    )


def test_clean_output_passes_as_pandas_frames_too(saas):
    cfg, tables, _ = saas
    assert ps.validate({name: t.to_pandas() for name, t in tables.items()}, cfg).ok


@pytest.mark.parametrize("template", ["hr", "retail"])
def test_other_templates_pass_clean(template):
    cfg = small_template(template)
    tables, _ = generate_arrow(cfg)
    assert ps.validate(tables, cfg).issues == ()


# ------------------------------------------------------------------------------ pk_uniqueness


def test_duplicated_reference_dimension_row(saas):
    cfg, tables, _ = saas
    plan = tables["dim_plan"]
    report = ps.validate(broken(tables, "dim_plan", pa.concat_tables([plan, plan.slice(2, 1)])), cfg)
    assert not report.ok
    assert issues(report) == {("pk_uniqueness", "dim_plan")}
    assert "1 duplicated" in errors_of(report, "pk_uniqueness", "dim_plan")[0]


def test_duplicated_scd_dimension_row(saas):
    cfg, tables, _ = saas
    dim = tables["dim_company"]
    report = ps.validate(broken(tables, "dim_company", pa.concat_tables([dim, dim.slice(0, 1)])), cfg)
    assert ("pk_uniqueness", "dim_company") in issues(report)
    assert "(dim_row_id)" in errors_of(report, "pk_uniqueness", "dim_company")[0]


def test_duplicated_fact_key(saas):
    cfg, tables, _ = saas
    fact = tables["fct_revenue"]
    report = ps.validate(broken(tables, "fct_revenue", pa.concat_tables([fact, fact.slice(7, 1)])), cfg)
    assert issues(report) == {("pk_uniqueness", "fct_revenue")}
    assert "(date_key, company_id)" in errors_of(report, "pk_uniqueness", "fct_revenue")[0]


def test_duplicated_event_id(saas):
    cfg, tables, _ = saas
    event = set_cell(tables["evt_login"], "login_id", 1, 1)
    assert issues(ps.validate(broken(tables, "evt_login", event), cfg)) == {("pk_uniqueness", "evt_login")}


def test_null_key(saas):
    cfg, tables, _ = saas
    fact = set_cell(tables["fct_support"], "date_key", 0, None)
    report = ps.validate(broken(tables, "fct_support", fact), cfg)
    assert ("pk_uniqueness", "fct_support") in issues(report)
    assert "1 null key" in errors_of(report, "pk_uniqueness", "fct_support")[0]


# ------------------------------------------------------------------------------ fk_integrity


def test_fact_row_pointing_at_a_missing_entity(saas):
    cfg, tables, _ = saas
    fact = set_cell(tables["fct_revenue"], "company_id", 5, 999_999)
    report = ps.validate(broken(tables, "fct_revenue", fact), cfg)
    assert ("fk_integrity", "fct_revenue") in issues(report)
    (message,) = errors_of(report, "fk_integrity", "fct_revenue")
    assert "1 row(s) whose company_id is not in dim_company.company_id" in message


def test_event_pointing_at_a_missing_user(saas):
    cfg, tables, _ = saas
    event = set_cell(tables["evt_login"], "user_id", 3, 10**9)
    report = ps.validate(broken(tables, "evt_login", event), cfg)
    assert issues(report) == {("fk_integrity", "evt_login")}
    assert "user_id is not in dim_user.user_id" in errors_of(report, "fk_integrity", "evt_login")[0]


def test_sub_entity_pointing_at_a_missing_entity(saas):
    cfg, tables, _ = saas
    users = set_cell(tables["dim_user"], "company_id", 0, 999_999)
    assert issues(ps.validate(broken(tables, "dim_user", users), cfg)) == {("fk_integrity", "dim_user")}


def test_bridge_pointing_at_a_missing_feature(saas):
    cfg, tables, _ = saas
    bridge = set_cell(tables["bridge_company_feature"], "feature_id", 0, 99)
    report = ps.validate(broken(tables, "bridge_company_feature", bridge), cfg)
    assert ("fk_integrity", "bridge_company_feature") in issues(report)
    assert "feature_id is not in dim_feature.feature_id" in errors_of(report, "fk_integrity", "bridge_company_feature")[0]


def test_fact_date_outside_the_date_dimension(saas):
    cfg, tables, _ = saas
    fact = set_cell(tables["fct_engagement"], "date_key", 0, 20300101)
    assert ("fk_integrity", "fct_engagement") in issues(ps.validate(broken(tables, "fct_engagement", fact), cfg))


# ------------------------------------------------------------------------------ date_spine


def test_missing_date_row(saas):
    cfg, tables, _ = saas
    report = ps.validate(broken(tables, "dim_date", drop_row(tables["dim_date"], 5)), cfg)
    assert ("date_spine", "dim_date") in issues(report)
    (message,) = errors_of(report, "date_spine", "dim_date")
    assert str(tables["dim_date"].column("date_key")[5].as_py()) in message


def test_extra_date_row(saas):
    cfg, tables, _ = saas
    dates = tables["dim_date"]
    extra = {**dates.slice(0, 1).to_pylist()[0], "date_key": 20250101, "date": dt.date(2025, 1, 1)}
    report = ps.validate(broken(tables, "dim_date", append_rows(dates, [extra])), cfg)
    assert issues(report) == {("date_spine", "dim_date")}
    assert "20250101" in errors_of(report, "date_spine", "dim_date")[0]


# ------------------------------------------------------------------------------ scd_integrity


def test_overlapping_versions(saas):
    cfg, tables, _ = saas
    dim = tables["dim_company"]
    (i, first), (_, second) = entity_with_versions(dim)[:2]
    later = second["valid_from"] + dt.timedelta(days=40)  # runs into the next version
    report = ps.validate(broken(tables, "dim_company", set_cell(dim, "valid_to", i, later)), cfg)
    assert issues(report) == {("scd_integrity", "dim_company")}
    assert any("gaps or overlaps" in m for m in errors_of(report, "scd_integrity", "dim_company"))


def test_gap_between_versions(saas):
    cfg, tables, _ = saas
    dim = tables["dim_company"]
    (i, first), (_, second) = next(v for v in versions(dim).values() if len(v) >= 2 and (v[1][1]["valid_from"] - v[0][1]["valid_from"]).days > 40)[:2]
    earlier = second["valid_from"] - dt.timedelta(days=10)
    assert first["valid_from"] < earlier
    report = ps.validate(broken(tables, "dim_company", set_cell(dim, "valid_to", i, earlier)), cfg)
    assert ("scd_integrity", "dim_company") in issues(report)
    assert any("gaps or overlaps" in m for m in errors_of(report, "scd_integrity", "dim_company"))


def test_version_ending_before_it_starts(saas):
    cfg, tables, _ = saas
    dim = tables["dim_company"]
    (i, first), _ = entity_with_versions(dim)[:2]
    report = ps.validate(broken(tables, "dim_company", set_cell(dim, "valid_to", i, first["valid_from"])), cfg)
    assert any("end before they start" in m for m in errors_of(report, "scd_integrity", "dim_company"))


def test_two_current_rows_for_one_entity(saas):
    cfg, tables, _ = saas
    dim = tables["dim_company"]
    (i, _), _ = entity_with_versions(dim)[:2]
    report = ps.validate(broken(tables, "dim_company", set_cell(dim, "is_current", i, True)), cfg)
    messages = errors_of(report, "scd_integrity", "dim_company")
    assert any("1 entities without exactly one current version" in m for m in messages)


def test_entity_without_a_current_row(saas):
    cfg, tables, _ = saas
    dim = tables["dim_company"]
    *_, (i, last) = entity_with_versions(dim, at_least=1)
    report = ps.validate(broken(tables, "dim_company", set_cell(dim, "is_current", i, False)), cfg)
    assert any("without exactly one current version" in m for m in errors_of(report, "scd_integrity", "dim_company"))


def test_current_row_with_a_closed_valid_to(saas):
    cfg, tables, _ = saas
    dim = tables["dim_company"]
    *_, (i, last) = entity_with_versions(dim, at_least=1)
    assert last["is_current"] and last["valid_to"] is None
    closed = set_cell(dim, "valid_to", i, dt.date(2030, 1, 1))
    report = ps.validate(broken(tables, "dim_company", closed), cfg)
    assert issues(report) == {("scd_integrity", "dim_company")}
    assert any("current versions without the open end (null)" in m for m in errors_of(report, "scd_integrity", "dim_company"))


def test_fact_dim_row_id_pointing_at_another_version(saas):
    cfg, tables, _ = saas
    dim, fact = tables["dim_company"], tables["fct_revenue"]
    (_, first), (_, second) = entity_with_versions(dim)[:2]
    rows = fact.select(["company_id", "dim_row_id"]).to_pylist()
    row = next(r for r, f in enumerate(rows) if f["dim_row_id"] == first["dim_row_id"])
    assert rows[row]["company_id"] == second["company_id"]
    wrong = set_cell(fact, "dim_row_id", row, second["dim_row_id"])  # same entity, a version not yet in force
    report = ps.validate(broken(tables, "fct_revenue", wrong), cfg)
    assert issues(report) == {("scd_integrity", "fct_revenue")}
    assert "1 row(s) whose dim_row_id is not the version in force" in errors_of(report, "scd_integrity", "fct_revenue")[0]


def test_event_dim_row_id_pointing_at_another_entitys_version(saas):
    cfg, tables, _ = saas
    event = tables["evt_login"]
    own = event.column("dim_row_id")[0].as_py()
    other = next(r["dim_row_id"] for r in tables["dim_company"].to_pylist() if r["company_id"] != event.column("company_id")[0].as_py())
    assert other != own
    report = ps.validate(broken(tables, "evt_login", set_cell(event, "dim_row_id", 0, other)), cfg)
    assert ("scd_integrity", "evt_login") in issues(report)


@pytest.fixture(scope="module")
def hr():
    cfg = small_template("hr")  # dim_employee uses open_end: "9999-12-31"
    tables, _ = generate_arrow(cfg)
    return cfg, tables


def test_open_end_9999_closed_row_carrying_the_open_end_is_caught(hr):
    cfg, tables = hr
    assert ps.validate(tables, cfg).ok
    dim = tables["dim_employee"]
    current = dim.column("is_current").to_pylist()
    assert dim.column("valid_to")[current.index(True)].as_py() == dt.date(9999, 12, 31)
    closed = current.index(False)  # a version that was replaced: it must have a real end date
    report = ps.validate(broken(tables, "dim_employee", set_cell(dim, "valid_to", closed, dt.date(9999, 12, 31))), cfg)
    messages = errors_of(report, "scd_integrity", "dim_employee")
    assert any("open end (9999-12-31)" in m for m in messages)


def test_open_end_9999_current_row_with_null_valid_to_is_caught(hr):
    cfg, tables = hr
    dim = tables["dim_employee"]
    current = dim.column("is_current").to_pylist().index(True)
    report = ps.validate(broken(tables, "dim_employee", set_cell(dim, "valid_to", current, None)), cfg)
    assert ("scd_integrity", "dim_employee") in issues(report)


# ------------------------------------------------------------------------------ bridge_integrity


def test_duplicate_bridge_pair(saas):
    cfg, tables, _ = saas
    bridge = tables["bridge_company_feature"]
    report = ps.validate(broken(tables, "bridge_company_feature", pa.concat_tables([bridge, bridge.slice(0, 1)])), cfg)
    assert ("bridge_integrity", "bridge_company_feature") in issues(report)
    assert not any(check == "pk_uniqueness" for check, _ in issues(report))
    assert any("duplicated" in m for m in errors_of(report, "bridge_integrity", "bridge_company_feature"))


def test_entity_with_more_links_than_max(saas):
    cfg, tables, _ = saas
    bridge = tables["bridge_company_feature"]
    company = bridge.column("company_id")[0].as_py()
    linked = {r["feature_id"] for r in bridge.to_pylist() if r["company_id"] == company}
    extra = [{"company_id": company, "feature_id": f} for f in range(1, 11) if f not in linked]  # all 10 features > max 8
    report = ps.validate(broken(tables, "bridge_company_feature", append_rows(bridge, extra)), cfg)
    assert issues(report) == {("bridge_integrity", "bridge_company_feature")}
    assert "1 entities hold a number of links outside [1, 8]" in errors_of(report, "bridge_integrity", "bridge_company_feature")[0]


def test_entity_with_fewer_links_than_min(saas):
    cfg, tables, _ = saas
    bridge = tables["bridge_company_feature"]
    company = bridge.column("company_id")[0].as_py()
    report = ps.validate(broken(tables, "bridge_company_feature", bridge.filter(pc.field("company_id") != company)), cfg)
    assert issues(report) == {("bridge_integrity", "bridge_company_feature")}


def test_report_text_names_each_fault(saas):
    cfg, tables, _ = saas
    plan = tables["dim_plan"]
    report = ps.validate(broken(tables, "dim_plan", pa.concat_tables([plan, plan.slice(0, 1)])), cfg)
    from plotsim_dbt.plan.resolve import resolve_plan

    text = report.text(resolve_plan(cfg))
    assert "Status: INVALID" in text and "[ERROR] pk_uniqueness (dim_plan)" in text
