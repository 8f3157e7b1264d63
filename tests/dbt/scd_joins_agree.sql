{{ config(enabled=(project_name == 'plotsim_dbt' or var('plotsim_build_demo', false))) }}
-- The two point-in-time joins of models/scd_practice must return the same rows: the version the
-- loader stored on each fact row (dim_row_id) is the version whose [valid_from, valid_to)
-- contains the row's date. Fails on every row one join returns more often than the other
-- (EXCEPT ALL keeps duplicates, so a row doubled by an overlapping history is caught too).
with by_row_id as (
    select date_key, company_id, dim_row_id, plan_tier, mrr from {{ ref('scd_join_by_row_id') }}
),
by_date as (
    select date_key, company_id, dim_row_id, plan_tier, mrr from {{ ref('scd_join_by_date') }}
),
only_by_row_id as (
    select * from by_row_id
    except all
    select * from by_date
),
only_by_date as (
    select * from by_date
    except all
    select * from by_row_id
)
select 'only in scd_join_by_row_id' as found, * from only_by_row_id
union all
select 'only in scd_join_by_date' as found, * from only_by_date
