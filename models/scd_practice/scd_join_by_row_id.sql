-- Point-in-time join, way 1: follow the surrogate key.
--
-- dim_company is a Type 2 slowly changing dimension: a company has one row per version of its
-- plan_tier, and each version has its own primary key, dim_row_id. When the warehouse loaded
-- fct_revenue it looked up the version in force at each row's date and stored that version's
-- dim_row_id on the fact row. So the tier a company was on at the time is one equality join
-- away: no dates involved. This is the cheap, everyday way to read an SCD2 dimension.
--
-- A left join keeps every fact row, even one whose dim_row_id were missing from the dimension
-- (its plan_tier would come out NULL instead of the row silently disappearing).
select
    f.date_key,
    f.company_id,
    f.dim_row_id,
    d.plan_tier,
    f.mrr
from {{ ref('fct_revenue') }} as f
left join {{ ref('dim_company') }} as d
    on d.dim_row_id = f.dim_row_id
