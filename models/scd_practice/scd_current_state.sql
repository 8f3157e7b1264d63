-- Current state: one row per company, its version in force today (at the end of the window).
--
-- Every company has exactly one current version, flagged by is_current. The flag is a
-- convenience: the same rows are the ones with an open end,
--     where valid_to is null or valid_to = date '9999-12-31'
-- (which of the two depends on the warehouse's convention). Filtering on the flag is simpler and
-- does not depend on the convention. The unique test on company_id in _scd_practice.yml checks
-- there is one row per company.
select
    company_id,
    dim_row_id,
    plan_tier,
    valid_from,
    valid_to
from {{ ref('dim_company') }}
where is_current
