{# Fails on every entity and period whose number of rows in the model is not round(driver x scale):
   the driver's value in driver_model (a per-entity-per-period fact), missing or negative counting
   as 0. A row dropped or duplicated moves the count a whole row away; a tie (x.5) passes either way. #}
{% test rows_follow_driver(model, driver_model, driver_column, scale, entity_column, date_column) %}
  {{ return(adapter.dispatch('test_rows_follow_driver', 'plotsim_dbt')(model, driver_model, driver_column, scale, entity_column, date_column)) }}
{% endtest %}

{% macro default__test_rows_follow_driver(model, driver_model, driver_column, scale, entity_column, date_column) %}
{%- set entity, date = plotsim_dbt._plotsim_quote(entity_column), plotsim_dbt._plotsim_quote(date_column) -%}
{%- set double = plotsim_dbt._plotsim_type_double() -%}
with expected as (
    select {{ entity }} as entity_id, {{ date }} as date_key,
           case when {{ plotsim_dbt._plotsim_quote(driver_column) }} > 0
                then cast({{ plotsim_dbt._plotsim_quote(driver_column) }} as {{ double }}) * {{ scale }} else 0 end as expected_rows
    from {{ driver_model }}
),
actual as (
    select {{ entity }} as entity_id, {{ date }} as date_key, count(*) as actual_rows
    from {{ model }}
    group by {{ entity }}, {{ date }}
)
select coalesce(e.entity_id, a.entity_id) as entity_id, coalesce(e.date_key, a.date_key) as date_key,
       coalesce(a.actual_rows, 0) as actual_rows, coalesce(e.expected_rows, 0) as expected_rows
from expected as e
full outer join actual as a on e.entity_id = a.entity_id and e.date_key = a.date_key
where abs(coalesce(a.actual_rows, 0) - coalesce(e.expected_rows, 0)) > 0.5 + 1e-9
{% endmacro %}
