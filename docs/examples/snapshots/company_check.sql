{% snapshot company_check %}
{{ config(unique_key='company_id', strategy='check', check_cols=['plan_tier', 'stage', 'status', 'ended_on'], updated_at='updated_at',
          dbt_valid_to_current="cast('9999-12-31' as timestamp)") }}
{{ plotsim_dbt.plotsim_cdc_extract(ref('dim_company_changes'), 'company_id') }}
{% endsnapshot %}
