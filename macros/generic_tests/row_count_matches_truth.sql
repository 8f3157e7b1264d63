{# Fails when the table's row count differs from the count the engine recorded in truth_run
   (or when truth_run has no row for the table). #}
{% test row_count_matches_truth(model, table_name=none, truth_model=none) %}
  {{ return(adapter.dispatch('test_row_count_matches_truth', 'plotsim_dbt')(model, table_name, truth_model)) }}
{% endtest %}

{% macro default__test_row_count_matches_truth(model, table_name, truth_model) %}
{%- set truth = plotsim_dbt._plotsim_truth(truth_model, 'truth_run') -%}
{%- set name = table_name if table_name is not none else model.identifier -%}
with actual as (
    select count(*) as actual_rows from {{ model }}
),
expected as (
    select row_count as expected_rows from {{ truth }} where table_name = '{{ name }}'
)
select '{{ name }}' as table_name, actual.actual_rows, expected.expected_rows
from actual
left join expected on true
where expected.expected_rows is null or actual.actual_rows != expected.expected_rows
{% endmacro %}
