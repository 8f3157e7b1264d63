{# hard_deletes='new_record' (dbt >= 1.9): a key that leaves the source gets a row with dbt_is_deleted = 'True'. #}
{% snapshot company_new_record %}
{{ config(unique_key='company_id', strategy='timestamp', updated_at='updated_at', hard_deletes='new_record') }}
{{ plotsim_dbt.plotsim_cdc_extract(ref('dim_company_changes'), 'company_id') }}
{% endsnapshot %}
