-- As-of query: each company's version in force on one date.
--
-- Same rule as the point-in-time join, with a single date instead of one per fact row: the
-- version whose half-open interval [valid_from, valid_to) contains the date. Change the date
-- with --vars '{scd_as_of_date: "2023-06-01"}'. With the date after every change this returns
-- the current state; a company whose first version started after the date would have no row.
with as_of as (
    select cast('{{ var("scd_as_of_date", "2024-01-01") }}' as date) as as_of_date
)
select
    d.company_id,
    d.dim_row_id,
    d.plan_tier,
    d.valid_from,
    d.valid_to,
    a.as_of_date
from {{ ref('dim_company') }} as d
cross join as_of as a
where d.valid_from <= a.as_of_date
  and a.as_of_date < coalesce(d.valid_to, date '9999-12-31')
