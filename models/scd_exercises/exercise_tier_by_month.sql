-- Exercise: the plan tier of every company in every month it has revenue.
--
-- TODO: for every fct_revenue row, return the plan_tier the company was on at that row's date,
-- with the columns company_id, date_key, plan_tier (one row per fct_revenue row).
--
-- dim_company is an SCD2 dimension: one row per company and plan version, each in force over
-- the half-open interval [valid_from, valid_to); the current version's valid_to is an open end
-- (NULL or 9999-12-31). date_key is an integer YYYYMMDD; dim_date turns it into a date.
-- Hint: look at models/scd_practice/scd_join_by_date.sql or scd_join_by_row_id.sql.
--
-- As shipped, this stub returns the right rows and columns but no tier, so the test
-- scd2_label_as_of_matches_truth in _scd_exercises.yml fails. It passes when every plan_tier
-- matches the version in force in truth_scd_versions. Run it with
--     dbt build --select exercise_tier_by_month --vars '{plotsim_exercises: true}'
-- The reference answer is in docs/scd2.md.
select
    company_id,
    date_key,
    cast(null as varchar) as plan_tier
from {{ ref('fct_revenue') }}
