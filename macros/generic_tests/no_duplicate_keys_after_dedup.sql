{# Put on a staging model that deduplicates a faulted source table: fails on each key the model
   holds more than once, and on each copied row of truth_quality_faults (duplicate_rows, volume
   spikes) whose key the model lost altogether. #}
{% test no_duplicate_keys_after_dedup(model, source_table, key_columns, truth_model=none) %}
  {{ return(adapter.dispatch('test_no_duplicate_keys_after_dedup', 'plotsim_dbt')(model, source_table, key_columns, truth_model)) }}
{% endtest %}

{% macro default__test_no_duplicate_keys_after_dedup(model, source_table, key_columns, truth_model) %}
{%- set truth = plotsim_dbt._plotsim_truth(truth_model, 'truth_quality_faults') -%}
with keyed as (
    select {{ plotsim_dbt._plotsim_row_key(key_columns) }} as row_key from {{ model }}
),
repeated as (
    select row_key, 'held ' || cast(count(*) as {{ plotsim_dbt._plotsim_type_text() }}) || ' times' as problem
    from keyed group by row_key having count(*) > 1
),
lost as (
    select distinct copies.row_key, 'copied in the source, missing after dedup' as problem
    from {{ truth }} as copies
    left join keyed on keyed.row_key = copies.row_key
    where copies.table_name = '{{ source_table }}' and copies.column_name = '_extra_row' and keyed.row_key is null
)
select * from repeated
union all
select * from lost
{% endmacro %}
