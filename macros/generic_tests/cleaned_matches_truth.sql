{# Put on a staging model that cleans a faulted source table: fails on each fault of
   truth_quality_faults (of the given kinds, in the given columns) whose row the model lacks or
   holds with another value than the clean one. Values compare as numbers; a null clean value
   wants a null. #}
{% test cleaned_matches_truth(model, source_table, key_columns, columns, kinds=none, column_map={}, truth_model=none) %}
  {{ return(adapter.dispatch('test_cleaned_matches_truth', 'plotsim_dbt')(model, source_table, key_columns, columns, kinds, column_map, truth_model)) }}
{% endtest %}

{% macro default__test_cleaned_matches_truth(model, source_table, key_columns, columns, kinds, column_map, truth_model) %}
{%- set truth = plotsim_dbt._plotsim_truth(truth_model, 'truth_quality_faults') -%}
{%- set kinds = kinds if kinds is not none else ['type_mismatch', 'schema_drift'] -%}
with faults as (
    select row_key, column_name, clean_value from {{ truth }}
    where table_name = '{{ source_table }}'
      and issue in ({% for kind in kinds %}'{{ kind }}'{% if not loop.last %}, {% endif %}{% endfor %})
      and column_name in ({% for column in columns %}'{{ column }}'{% if not loop.last %}, {% endif %}{% endfor %})
),
cleaned as (
    {% for column in columns %}
    select {{ plotsim_dbt._plotsim_row_key(key_columns) }} as row_key, '{{ column }}' as column_name,
           cast({{ plotsim_dbt._plotsim_quote(column_map.get(column, column)) }} as {{ dbt.type_float() }}) as value
    from {{ model }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)
select faults.row_key, faults.column_name, faults.clean_value, cleaned.value as cleaned_value
from faults
left join cleaned on cleaned.row_key = faults.row_key and cleaned.column_name = faults.column_name
where cleaned.row_key is null
   or (faults.clean_value is null and cleaned.value is not null)
   or (faults.clean_value is not null and (cleaned.value is null or cleaned.value != cast(faults.clean_value as {{ dbt.type_float() }})))
{% endmacro %}
