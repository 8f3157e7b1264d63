{# Fails on every SCD2 version that differs from truth_scd_versions for the dimension: a version
   missing from the table, an extra one, one whose key, label or bounds differ, or a version
   key that occurs more than once. An open end of 9999-12-31 compares as NULL, so either
   convention passes. Versions are matched on version_key (dim_row_id); with version_key=none
   they are matched on (natural key, lower bound) instead. truth_label_column picks the truth
   column label_column is compared with: label (the tier) or stage (the lifecycle stage). #}
{% test scd2_matches_truth(model, natural_key, label_column, version_key='dim_row_id', lower_bound_column='valid_from', upper_bound_column='valid_to', dim_table=none, truth_model=none, truth_label_column='label') %}
  {{ return(adapter.dispatch('test_scd2_matches_truth', 'plotsim_dbt')(model, natural_key, label_column, version_key, lower_bound_column, upper_bound_column, dim_table, truth_model, truth_label_column)) }}
{% endtest %}

{% macro default__test_scd2_matches_truth(model, natural_key, label_column, version_key, lower_bound_column, upper_bound_column, dim_table, truth_model, truth_label_column) %}
{%- set truth = plotsim_dbt._plotsim_truth(truth_model, 'truth_scd_versions') -%}
{%- set name = dim_table if dim_table is not none else model.identifier -%}
{%- set match_on = ['dim_row_id'] if version_key is not none else ['entity_id', 'valid_from'] -%}
with actual as (
    select {{ plotsim_dbt._plotsim_quote(natural_key) }} as entity_id,
           {{ plotsim_dbt._plotsim_quote(version_key) if version_key is not none else 'null' }} as dim_row_id,
           cast({{ plotsim_dbt._plotsim_quote(label_column) }} as {{ plotsim_dbt._plotsim_type_text() }}) as label,
           cast({{ plotsim_dbt._plotsim_quote(lower_bound_column) }} as date) as valid_from,
           nullif(cast({{ plotsim_dbt._plotsim_quote(upper_bound_column) }} as date), date '9999-12-31') as valid_to
    from {{ model }}
),
expected as (
    select entity_id, dim_row_id, {{ truth_label_column }} as label, valid_from, valid_to
    from {{ truth }}
    where dim_table = '{{ name }}'
),
actual_counted as (
    select *, count(*) over (partition by {{ match_on | join(', ') }}) as occurrences from actual
),
compared as (
    select a.entity_id as actual_entity_id, e.entity_id as expected_entity_id,
           {%- if version_key is not none %}
           a.dim_row_id as actual_dim_row_id, e.dim_row_id as expected_dim_row_id,
           {%- endif %}
           a.label as actual_label, e.label as expected_label,
           a.valid_from as actual_valid_from, e.valid_from as expected_valid_from,
           a.valid_to as actual_valid_to, e.valid_to as expected_valid_to,
           case
               when a.occurrences is null then 'missing version'
               when e.{{ match_on[0] }} is null then 'extra version'
               when a.occurrences > 1 then 'version occurs ' || a.occurrences || ' times'
               when a.entity_id is distinct from e.entity_id
                 or a.label is distinct from e.label
                 or a.valid_from is distinct from e.valid_from
                 or a.valid_to is distinct from e.valid_to then 'different version'
           end as violation
    from actual_counted as a
    full outer join expected as e
      on {% for column in match_on %}a.{{ column }} = e.{{ column }}{% if not loop.last %} and {% endif %}{% endfor %}
)
select * from compared where violation is not null
{% endmacro %}
