"""An analyst's first queries, written as SQL over the generated tables of the bundled saas, hr and
retail templates (told with arrivals, endings, tier-priced MRR and lifecycle stages): the story
must hold together (a churned company stops paying, churn falls on the segments headed down,
signups spread over the window, MRR follows the plan's price, money has cents, codes hide
segments)."""

from __future__ import annotations

import duckdb
import pytest

import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow


@pytest.fixture(scope="module", params=["saas", "hr", "retail"])
def warehouse(request):
    tables, state = generate_arrow(ps.load_template(request.param))
    con = duckdb.connect()
    for name, table in {**tables, **state.truth}.items():
        con.register(name, table)
    yield request.param, con
    con.close()


def one(con, sql: str):
    return con.execute(sql).fetchone()[0]


# (entity dimension, its key, ending event, its timestamp, facts and events that must stop)
STORIES = {
    "saas": ("dim_company", "company_id", "evt_churn", "churned_at", ["fct_revenue", "fct_engagement", "fct_support", "evt_login"]),
    "hr": ("dim_employee", "employee_id", "evt_attrition", "left_at", ["fct_performance", "fct_compensation", "evt_training_completion"]),
    "retail": (
        "dim_customer",
        "customer_id",
        "evt_lapse",
        "lapsed_at",
        ["fct_customer_activity", "fct_orders", "fct_order_items", "fct_returns", "evt_session"],
    ),
}


def test_an_entity_that_ended_has_no_rows_afterwards(warehouse):
    name, con = warehouse
    dim, key, ending, _, tables = STORIES[name]
    assert one(con, f"select count(*) from {ending}") > 20, "the story has endings"
    for table in tables:
        after = one(con, f"select count(*) from {table} t join {ending} e using ({key}) where t.date_key > e.date_key")
        assert after == 0, f"{table}: {after} rows after the {name} entity ended"
    # the dimension agrees: its (last) row says how the entity ended, and when
    unrecorded = one(
        con,
        f"""select count(*) from {ending} e where not exists (
                                  select 1 from {dim} d where d.{key} = e.{key} and d.status <> 'active'
                                  and strftime(d.ended_on, '%Y%m%d')::int = e.date_key)""",
    )
    assert unrecorded == 0


def test_endings_fall_on_the_segments_headed_down(warehouse):
    name, con = warehouse
    _, key, ending, _, _ = STORIES[name]
    rates = dict(
        con.execute(f"""select t.segment, avg((e.{key} is not null)::int)
                                 from truth_entities t left join {ending} e on e.{key} = t.entity_id
                                 group by 1""").fetchall()
    )
    headed_down = {"saas": ["churning", "at_risk"], "hr": ["burning_out", "disengaging"], "retail": ["lapsing"]}[name]
    growing = {"saas": ["rapid_adopter", "enterprise"], "hr": ["rising_star"], "retail": ["loyalist"]}[name]
    assert min(rates[s] for s in headed_down) > 0.5, rates
    assert max(rates[s] for s in growing) < 0.1, rates


def test_entities_arrive_over_the_window_and_nothing_precedes_arrival(warehouse):
    name, con = warehouse
    dim, key, _, _, tables = STORIES[name]
    created = {"saas": "created_at", "hr": "hired_at", "retail": "registered_at"}[name]
    months = one(con, f"select count(distinct date_trunc('month', {created})) from {dim}")
    assert months >= 12, f"arrivals fall in {months} months"
    for table in tables:
        early = one(
            con,
            f"""select count(*) from {table} t join (select distinct {key}, {created} from {dim}) d using ({key})
                             where t.date_key < strftime(date_trunc('month', d.{created}), '%Y%m%d')::int""",
        )
        assert early == 0, f"{table}: {early} rows before the entity arrived"


def test_saas_users_sign_up_before_they_log_in():
    tables, _ = generate_arrow(ps.load_template("saas"), tables=["dim_user", "evt_login"])
    con = duckdb.connect()
    for name, table in tables.items():
        con.register(name, table)
    assert one(con, "select count(*) from evt_login") > 1000
    early = one(con, "select count(*) from evt_login l join dim_user u using (user_id) where l.logged_in_at < date_trunc('month', u.signed_up_at)")
    assert early == 0


def test_money_has_cents_and_codes_hide_the_segment(warehouse):
    name, con = warehouse
    dim = STORIES[name][0]
    code = {"saas": "company_code", "hr": "employee_code", "retail": "customer_code"}[name]
    leaking = one(
        con, f"select count(*) from {dim} d join truth_entities t on t.entity_id = d.{STORIES[name][1]} where contains(d.{code}, t.segment)"
    )
    assert leaking == 0
    money = {"saas": ("fct_revenue", "mrr"), "hr": ("fct_compensation", "salary"), "retail": ("fct_customer_activity", "basket_value")}[name]
    kind = one(con, f"select typeof({money[1]}) from {money[0]} limit 1")
    assert kind.startswith("DECIMAL(18,"), kind


@pytest.fixture(scope="module")
def saas():
    tables, state = generate_arrow(ps.load_template("saas"))
    con = duckdb.connect()
    for name, table in {**tables, **state.truth}.items():
        con.register(name, table)
    yield con
    con.close()


def test_mrr_follows_the_price_of_the_plan_in_force(saas):
    con = saas
    by_tier = dict(
        con.execute("""
        select d.plan_tier, avg(f.mrr) from fct_revenue f join dim_company d using (dim_row_id) group by 1""").fetchall()
    )
    assert by_tier["free"] == 0 < by_tier["starter"] < by_tier["pro"] < by_tier["enterprise"]
    # every month's MRR is a whole number of seats at the price list's price for the plan in force
    off_price = one(
        con,
        """
        select count(*) from fct_revenue f join dim_company d using (dim_row_id) join dim_plan p on p.plan_name = d.plan_tier
        where (p.monthly_price = 0 and f.mrr <> 0)
           or (p.monthly_price > 0 and (f.mrr % p.monthly_price <> 0 or f.mrr / p.monthly_price not between 1 and 10))""",
    )
    assert off_price == 0
    # an upgrade raises the bill in the month it happens
    upgrades = con.execute("""
        select count(*), count(*) filter (where f.mrr > g.mrr)
        from truth_scd_events e
        join fct_revenue f on f.company_id = e.entity_id and f.date_key = e.date_key
        join fct_revenue g on g.company_id = e.entity_id
         and g.date_key = (select max(date_key) from fct_revenue h where h.company_id = e.entity_id and h.date_key < e.date_key)
        where e.new_label <> 'free'""").fetchone()
    assert upgrades[0] > 50 and upgrades[1] / upgrades[0] > 0.9


def test_lifecycle_stages_move_forward_with_adoption(saas):
    con = saas
    stages = dict(con.execute("select stage, avg(feature_adoption) from fct_engagement group by 1").fetchall())
    assert stages["onboarding"] < stages["adopting"] < stages["established"]
    assert one(con, "select count(distinct company_id) from dim_company where stage = 'established'") > 100
