{# Fails on every combination of the columns that appears more than once (a composite key). #}
{% test unique_combination_of_columns(model, columns) %}
  {{ return(adapter.dispatch('test_unique_combination_of_columns', 'plotsim_dbt')(model, columns)) }}
{% endtest %}

{% macro default__test_unique_combination_of_columns(model, columns) %}
select {{ columns | join(', ') }}, count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endmacro %}
