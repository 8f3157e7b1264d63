{% snapshot engagement_check %}
{{ config(unique_key=['date_key', 'company_id'], strategy='check', check_cols=['engagement', 'feature_adoption', 'engagement_last_month'],
          updated_at='updated_at', hard_deletes='new_record') }}
{{ plotsim_dbt.plotsim_cdc_extract(ref('fct_engagement_changes'), ['date_key', 'company_id']) }}
{% endsnapshot %}
