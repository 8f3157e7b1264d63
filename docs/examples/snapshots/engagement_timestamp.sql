{# A fact's row is keyed by its period and entity: a list unique_key (dbt >= 1.9). #}
{% snapshot engagement_timestamp %}
{{ config(unique_key=['date_key', 'company_id'], strategy='timestamp', updated_at='updated_at', hard_deletes='invalidate') }}
{{ plotsim_dbt.plotsim_cdc_extract(ref('fct_engagement_changes'), ['date_key', 'company_id']) }}
{% endsnapshot %}
