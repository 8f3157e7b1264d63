{# Fails on every row whose label differs from the label of the truth_scd_versions version of
   `dim_table` in force at the row's date (half-open [valid_from, valid_to)), on rows for which
   truth has no version in force, and on every (key, date) that occurs more than once. The date
   is an integer YYYYMMDD key (date_is_key=true) or a DATE/TIMESTAMP. With `covers` (a relation
   with the same key and date columns, e.g. ref('fct_revenue')), every (key, date) of it must
   also appear in the model. #}
{% test scd2_label_as_of_matches_truth(model, natural_key, date_column, label_column, dim_table, date_is_key=true, truth_model=none, covers=none) %}
  {{ return(adapter.dispatch('test_scd2_label_as_of_matches_truth', 'plotsim_dbt')(model, natural_key, date_column, label_column, dim_table, date_is_key, truth_model, covers)) }}
{% endtest %}

{% macro default__test_scd2_label_as_of_matches_truth(model, natural_key, date_column, label_column, dim_table, date_is_key, truth_model, covers) %}
{%- set truth = plotsim_dbt._plotsim_truth(truth_model, 'truth_scd_versions') -%}
{%- set date_value = plotsim_dbt._plotsim_quote(date_column) -%}
{%- set as_date = plotsim_dbt._plotsim_date_key(date_value) if date_is_key else date_value -%}
with answer as (
    select {{ plotsim_dbt._plotsim_quote(natural_key) }} as entity_id, {{ date_value }} as date_value, {{ as_date }} as as_of,
           cast({{ plotsim_dbt._plotsim_quote(label_column) }} as {{ plotsim_dbt._plotsim_type_text() }}) as label
    from {{ model }}
),
versions as (
    select entity_id, label, valid_from, valid_to
    from {{ truth }}
    where dim_table = '{{ dim_table }}'
),
checked as (
    select a.entity_id, a.date_value, a.label, v.label as expected_label,
           case
               when v.entity_id is null then 'no version in force in truth'
               when a.label is distinct from v.label then 'wrong label'
           end as violation
    from answer as a
    left join versions as v
      on v.entity_id = a.entity_id
     and a.as_of >= v.valid_from
     and (v.valid_to is null or a.as_of < v.valid_to)
),
duplicates as (
    select entity_id, date_value, null as label, null as expected_label,
           'occurs ' || count(*) || ' times' as violation
    from answer
    group by entity_id, date_value
    having count(*) > 1
)
{%- if covers is not none %},
uncovered as (
    select entity_id, date_value, null as label, null as expected_label, 'row missing' as violation
    from (
        select {{ plotsim_dbt._plotsim_quote(natural_key) }} as entity_id, {{ date_value }} as date_value from {{ covers }}
        except
        select entity_id, date_value from answer
    ) as missing
)
{%- endif %}
select * from checked where violation is not null
union all
select * from duplicates
{%- if covers is not none %}
union all
select * from uncovered
{%- endif %}
{% endmacro %}
