-- Point-in-time join, way 2: match on the natural key and the date.
--
-- Pretend the fact table had no dim_row_id (as with data from a source system). The version in
-- force at a date is the company's row whose validity interval contains that date. Intervals
-- are half-open, [valid_from, valid_to): a version starts on valid_from and ends the day before
-- valid_to, which is also the next version's valid_from, so a date on a boundary belongs to
-- exactly one version. Use >= on the left and a strict < on the right; BETWEEN would match two
-- versions on every change date.
--
-- The current version has an open end: valid_to is NULL in some warehouses and 9999-12-31 in
-- others. coalesce(valid_to, date '9999-12-31') makes both conventions work.
--
-- The fact row's date comes from dim_date (date_key is an integer YYYYMMDD; dim_date.date is
-- the period's first day). dim_row_id is taken from the dimension: tests/dbt/scd_joins_agree.sql
-- proves this model returns exactly the rows of scd_join_by_row_id.
select
    f.date_key,
    f.company_id,
    d.dim_row_id,
    d.plan_tier,
    f.mrr
from {{ ref('fct_revenue') }} as f
join {{ ref('dim_date') }} as dd
    on dd.date_key = f.date_key
left join {{ ref('dim_company') }} as d
    on d.company_id = f.company_id
   and dd.date >= d.valid_from
   and dd.date < coalesce(d.valid_to, date '9999-12-31')
