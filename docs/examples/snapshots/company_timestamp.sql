{% snapshot company_timestamp %}
{{ config(unique_key='company_id', strategy='timestamp', updated_at='updated_at', hard_deletes='invalidate') }}
{{ plotsim_dbt.plotsim_cdc_extract(ref('dim_company_changes'), 'company_id') }}
{% endsnapshot %}
