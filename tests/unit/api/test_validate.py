"""validate(config, tables) as the reference generator (the older order still works), the report
classes (issues, errors, warnings, ok, by_check; check, severity, table, message, details) and the
two warnings: an empty event table and a foreign key collapsed onto one parent row."""

from __future__ import annotations

import pyarrow as pa
import pytest

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.config.load import read_yaml
from plotsim_dbt.plan.resolve import resolve_plan
from plotsim_dbt.templates import template_path
from plotsim_dbt.validation import CHECKS, ValidationIssue, ValidationReport
from plotsim_dbt.validation import validate_tables as module_validate_tables


@pytest.fixture(scope="module")
def saas():
    kw = read_yaml(template_path("saas"))
    kw["segments"] = [{**s, "count": 10} for s in kw["segments"]]
    kw["connections"] = []
    cfg = ps.create(**kw)
    return cfg, generate_arrow(cfg)[0]


def test_config_first_and_the_older_order_give_the_same_report(saas):
    cfg, tables = saas
    first = ps.validate(cfg, tables)
    assert first == ps.validate(tables, cfg) == ps.validate(resolve_plan(cfg), tables) == ps.validate(tables, resolve_plan(cfg))
    assert first.ok and first.issues == () and first.checks_run == CHECKS
    assert ps.validate_tables(cfg, tables) == first  # the reference's second name
    assert module_validate_tables(cfg, tables) == module_validate_tables(resolve_plan(cfg), tables) == first


def test_arguments_that_are_neither_order_are_refused(saas):
    cfg, tables = saas
    with pytest.raises(TypeError, match=r"validate\(config, tables\)"):
        ps.validate(cfg, cfg)
    with pytest.raises(TypeError, match="list"):
        ps.validate(list(tables.values()), cfg)


def test_report_classes_have_the_reference_fields():
    issue = ps.ValidationIssue("pk_uniqueness", "error", "fct_x", "2 duplicated")
    assert (issue.check, issue.severity, issue.table, issue.message, issue.details) == ("pk_uniqueness", "error", "fct_x", "2 duplicated", {})
    warning = ValidationIssue("empty_event_table", "warning", "evt_x", "no rows", {"driver": "m"})
    report = ValidationReport((issue, warning), CHECKS)
    assert report.errors == (issue,) and report.warnings == (warning,) and not report.ok
    assert ValidationReport((warning,), CHECKS).ok, "warnings do not make a report invalid"
    assert report.by_check("pk_uniqueness") == (issue,) and report.by_check("date_spine") == ()
    grouped = report.by_check()
    assert list(grouped) == list(CHECKS) and grouped["empty_event_table"] == (warning,) and grouped["fk_integrity"] == ()
    with pytest.raises(ValueError, match="severity"):
        ValidationIssue("x", "fatal", None, "no")


def test_an_empty_event_table_is_a_warning(saas):
    cfg, tables = saas
    report = ps.validate(cfg, {**tables, "evt_login": tables["evt_login"].slice(0, 0)})
    assert report.ok
    (warning,) = report.warnings
    assert (warning.check, warning.severity, warning.table) == ("empty_event_table", "warning", "evt_login")
    assert warning.details["kind"] in {"proportional", "threshold"} and "never fired" in warning.message


def test_a_foreign_key_collapsed_onto_one_parent_row_is_a_warning(saas):
    cfg, tables = saas
    users = tables["dim_user"]
    i = users.schema.get_field_index("company_id")
    one = pa.array([1] * users.num_rows, users.schema.field(i).type)
    report = ps.validate(cfg, {**tables, "dim_user": users.set_column(i, users.schema.field(i), one)})
    assert report.ok
    (warning,) = report.by_check("cross_dim_fk_cardinality")
    assert warning.table == "dim_user" and warning.severity == "warning"
    assert warning.details["column"] == "company_id" and warning.details["parent"] == "dim_company.company_id"
    assert warning.details["child_unique_count"] == 1 and warning.details["parent_row_count"] == cfg.entity_count


def test_report_text_lists_warnings_with_details_and_no_clock(saas):
    cfg, tables = saas
    broken = {**tables, "evt_login": tables["evt_login"].slice(0, 0), "dim_plan": pa.concat_tables([tables["dim_plan"]] * 2)}
    report = ps.validate(cfg, broken)
    text = report.text()
    assert text == ps.validate(cfg, broken).text() == report.text(resolve_plan(cfg))
    assert "Errors: 1 | Warnings: 1 | Total: 2" in text and "Status: INVALID" in text
    assert "[ERROR] pk_uniqueness (dim_plan)" in text and "[WARN ] empty_event_table (evt_login)" in text
    assert "        driver: " in text and "        pk_columns: ['plan_id']" in text
    assert f"config-sha256: {resolve_plan(cfg).config_sha256}" in text and "Generated" not in text
    assert report.summary() == "INVALID - 1 error(s), 1 warning(s)"
