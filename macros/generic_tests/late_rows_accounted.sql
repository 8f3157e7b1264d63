{# Put on a staging model of a source with late arrivals: fails on each late row of
   truth_quality_faults the model lacks, or holds in another period than the one it belongs to
   (its date_column must equal the date key the truth records). #}
{% test late_rows_accounted(model, source_table, key_columns, date_column='date_key', truth_model=none) %}
  {{ return(adapter.dispatch('test_late_rows_accounted', 'plotsim_dbt')(model, source_table, key_columns, date_column, truth_model)) }}
{% endtest %}

{% macro default__test_late_rows_accounted(model, source_table, key_columns, date_column, truth_model) %}
{%- set truth = plotsim_dbt._plotsim_truth(truth_model, 'truth_quality_faults') -%}
with late as (
    select row_key, clean_value as belongs_to from {{ truth }}
    where table_name = '{{ source_table }}' and issue = 'late_arrival'
),
keyed as (
    select {{ plotsim_dbt._plotsim_row_key(key_columns) }} as row_key,
           cast({{ plotsim_dbt._plotsim_quote(date_column) }} as {{ plotsim_dbt._plotsim_type_text() }}) as landed_in
    from {{ model }}
)
select late.row_key, late.belongs_to, keyed.landed_in
from late
left join keyed on keyed.row_key = late.row_key
where keyed.row_key is null or keyed.landed_in is null or keyed.landed_in != late.belongs_to
{% endmacro %}
