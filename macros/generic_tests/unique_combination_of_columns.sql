{# Fails on every combination of the columns that appears more than once (a composite key).
   The argument is named as in dbt_utils; its earlier name `columns` is refused with the rename. #}
{% test unique_combination_of_columns(model, combination_of_columns=none, columns=none) %}
  {%- if columns is not none -%}
    {{ exceptions.raise_compiler_error("unique_combination_of_columns: the argument `columns` is now `combination_of_columns` (as in dbt_utils); rename it in the test's arguments") }}
  {%- endif -%}
  {%- if not combination_of_columns -%}
    {{ exceptions.raise_compiler_error("unique_combination_of_columns needs `combination_of_columns`, a list of column names") }}
  {%- endif -%}
  {{ return(adapter.dispatch('test_unique_combination_of_columns', 'plotsim_dbt')(model, combination_of_columns)) }}
{% endtest %}

{% macro default__test_unique_combination_of_columns(model, combination_of_columns) %}
{%- set quoted = [] -%}
{%- for column in combination_of_columns -%}{%- do quoted.append(plotsim_dbt._plotsim_quote(column)) -%}{%- endfor -%}
select {{ quoted | join(', ') }}, count(*) as occurrences
from {{ model }}
group by {{ quoted | join(', ') }}
having count(*) > 1
{% endmacro %}
