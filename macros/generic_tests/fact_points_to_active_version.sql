{# Fails on every fact or event row whose SCD2 version key (dim_row_id) points to a version of
   `to` that does not exist, that belongs to another natural key, or that is not in force at the
   row's date (half-open [lower, upper), an open end being NULL or 9999-12-31). The date is an
   integer YYYYMMDD key (date_is_key=true) or a DATE/TIMESTAMP column (date_is_key=false). Rows
   with a NULL version key are skipped, as in `relationships` (not_null guards them). version_key
   names the version key in `to`, and in the model unless the test is attached to a column;
   to_natural_key names the natural key in `to` when it differs from the model's. #}
{% test fact_points_to_active_version(model, to, natural_key, column_name=none, version_key='dim_row_id', date_column='date_key', date_is_key=true, lower_bound_column='valid_from', upper_bound_column='valid_to', to_natural_key=none) %}
  {{ return(adapter.dispatch('test_fact_points_to_active_version', 'plotsim_dbt')(model, to, natural_key, column_name, version_key, date_column, date_is_key, lower_bound_column, upper_bound_column, to_natural_key)) }}
{% endtest %}

{% macro default__test_fact_points_to_active_version(model, to, natural_key, column_name, version_key, date_column, date_is_key, lower_bound_column, upper_bound_column, to_natural_key) %}
{%- set key = plotsim_dbt._plotsim_quote(column_name if column_name is not none else version_key) -%}
{%- set dim_key = plotsim_dbt._plotsim_quote(to_natural_key if to_natural_key is not none else natural_key) -%}
{%- set date_value = plotsim_dbt._plotsim_quote(date_column) -%}
with facts as (
    select {{ plotsim_dbt._plotsim_quote(natural_key) }} as natural_key,
           {{ key }} as version_key,
           {{ date_value }} as date_value,
           {{ plotsim_dbt._plotsim_date_key(date_value) if date_is_key else date_value }} as fact_date
    from {{ model }}
    where {{ key }} is not null
),
versions as (
    select {{ plotsim_dbt._plotsim_quote(version_key) }} as version_key,
           {{ dim_key }} as natural_key,
           {{ plotsim_dbt._plotsim_quote(lower_bound_column) }} as lower_bound,
           {{ plotsim_dbt._plotsim_quote(upper_bound_column) }} as upper_bound
    from {{ to }}
)
select f.natural_key, f.version_key, f.date_value, f.fact_date,
       v.natural_key as version_natural_key, v.lower_bound, v.upper_bound,
       case
           when v.version_key is null then 'version does not exist'
           when f.natural_key is distinct from v.natural_key then 'version belongs to another key'
           when f.fact_date is null then 'no date'
           when f.fact_date < v.lower_bound or f.fact_date >= v.upper_bound then 'version not in force at the date'
       end as violation
from facts as f
left join versions as v on v.version_key = f.version_key
where v.version_key is null
   or f.natural_key is distinct from v.natural_key
   or f.fact_date is null
   or f.fact_date < v.lower_bound
   or f.fact_date >= v.upper_bound
{% endmacro %}
