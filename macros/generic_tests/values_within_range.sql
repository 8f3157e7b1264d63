{# Fails on every value outside [min_value, max_value] (with inclusive=false, on the bounds too,
   as dbt_utils' accepted_range). Bounds default to the metric's configured range recorded in
   truth_metrics (a null bound is open). #}
{% test values_within_range(model, column_name, min_value=none, max_value=none, inclusive=true, truth_model=none) %}
  {{ return(adapter.dispatch('test_values_within_range', 'plotsim_dbt')(model, column_name, min_value, max_value, inclusive, truth_model)) }}
{% endtest %}

{% macro default__test_values_within_range(model, column_name, min_value, max_value, inclusive, truth_model) %}
{%- set outside = ('<', '>') if inclusive else ('<=', '>=') -%}
{%- set explicit = min_value is not none or max_value is not none -%}
{%- set column, name = plotsim_dbt._plotsim_quote(column_name), plotsim_dbt._plotsim_name(column_name) -%}
{#- an open bound is a typed NULL: an untyped one in a CTE is text on PostgreSQL -#}
{%- set open_bound = 'cast(null as ' ~ plotsim_dbt._plotsim_type_double() ~ ')' -%}
with bounds as (
    {% if explicit %}
    select {{ min_value if min_value is not none else open_bound }} as lower_bound,
           {{ max_value if max_value is not none else open_bound }} as upper_bound
    {% else %}
    select min_value as lower_bound, max_value as upper_bound
    from {{ plotsim_dbt._plotsim_truth(truth_model, 'truth_metrics') }}
    where metric = '{{ name }}'
    {% endif %}
)
select cast(m.{{ column }} as {{ plotsim_dbt._plotsim_type_double() }}) as value, b.lower_bound, b.upper_bound, 'out of range' as problem
from {{ model }} as m
cross join bounds as b
where m.{{ column }} {{ outside[0] }} b.lower_bound or m.{{ column }} {{ outside[1] }} b.upper_bound
union all
select null, null, null, 'no bounds recorded for {{ name }}'
where not exists (select 1 from bounds)
{% endmacro %}
