-- Engagement of saas_raw: late rows kept in the month they belong to (their date_key), whenever
-- they arrived (_arrival_period).
select date_key, company_id, engagement, feature_adoption, engagement_last_month, dim_row_id
from {{ ref('fct_engagement') }}
