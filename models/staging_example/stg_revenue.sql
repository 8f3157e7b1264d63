-- Revenue as a pipeline should read fct_revenue of saas_raw: one row per company and month (the
-- copies removed), MRR back to a number (trimmed, thousands separators dropped), and expansion
-- revenue taken from the column it drifted to.
select distinct
    date_key,
    company_id,
    cast(replace(trim(mrr), ',', '') as decimal(18, 2)) as mrr,
    coalesce(expansion_revenue, expansion_revenue_v2) as expansion_revenue,
    dim_row_id
from {{ ref('fct_revenue') }}
