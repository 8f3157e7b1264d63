{# Fails on every combination of the columns that appears more than once (a composite key). #}
{% test unique_combination_of_columns(model, columns) %}
  {{ return(adapter.dispatch('test_unique_combination_of_columns', 'plotsim_dbt')(model, columns)) }}
{% endtest %}

{% macro default__test_unique_combination_of_columns(model, columns) %}
{%- set quoted = [] -%}
{%- for column in columns -%}{%- do quoted.append(plotsim_dbt._plotsim_quote(column)) -%}{%- endfor -%}
select {{ quoted | join(', ') }}, count(*) as occurrences
from {{ model }}
group by {{ quoted | join(', ') }}
having count(*) > 1
{% endmacro %}
