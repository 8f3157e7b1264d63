{# Fails on every row of a dbt snapshot of a change feed's extract that differs from the SCD2
   history a correct snapshot holds after batch `batch` (default var plotsim_batch), read from
   truth_snapshot_versions: a version missing, extra or repeated, a wrong dbt_valid_from, a wrong
   or missing dbt_valid_to. Versions match on (unique key, dbt_valid_from). With hard_deletes
   'invalidate' a deleted key's version must be closed (dbt stamps it with the run's clock, so
   only its presence is checked); with 'ignore' it stays open. open_end '9999-12-31' expects that
   date on open versions (dbt_valid_to_current), none expects NULL. #}
{% test snapshot_matches_truth(model, cdc_table, unique_key, strategy='timestamp', batch=none, hard_deletes='ignore', open_end=none, valid_from='dbt_valid_from', valid_to='dbt_valid_to', truth_model=none) %}
  {{ return(adapter.dispatch('test_snapshot_matches_truth', 'plotsim_dbt')(model, cdc_table, unique_key, strategy, batch, hard_deletes, open_end, valid_from, valid_to, truth_model)) }}
{% endtest %}

{% macro default__test_snapshot_matches_truth(model, cdc_table, unique_key, strategy, batch, hard_deletes, open_end, valid_from, valid_to, truth_model) %}
{%- set truth = plotsim_dbt._plotsim_truth(truth_model, 'truth_snapshot_versions') -%}
{%- set batch = batch if batch is not none else var('plotsim_batch', 1) -%}
{%- set invalidate = hard_deletes == 'invalidate' -%}
with actual as (
    select {{ plotsim_dbt._plotsim_quote(unique_key) }} as entity_id,
           cast({{ plotsim_dbt._plotsim_quote(valid_from) }} as timestamp) as valid_from,
           cast({{ plotsim_dbt._plotsim_quote(valid_to) }} as timestamp) as raw_valid_to
    from {{ model }}
),
normalised as (
    select entity_id, valid_from,
           {%- if open_end is not none %}
           nullif(raw_valid_to, cast('{{ open_end }}' as timestamp)) as valid_to,
           raw_valid_to is null as bad_open_end,
           {%- else %}
           raw_valid_to as valid_to,
           raw_valid_to >= cast('9999-01-01' as timestamp) as bad_open_end,
           {%- endif %}
           count(*) over (partition by entity_id, valid_from) as occurrences
    from actual
),
expected as (
    select entity_id, valid_from,
           case when closed_batch <= {{ batch }} and closed_by = 'update' then valid_to end as valid_to,
           coalesce(closed_batch <= {{ batch }} and closed_by = 'delete', false) as deleted
    from {{ truth }}
    where cdc_table = '{{ cdc_table }}' and strategy = '{{ strategy }}' and first_batch <= {{ batch }}
),
compared as (
    select coalesce(a.entity_id, e.entity_id) as entity_id,
           a.valid_from as actual_valid_from, e.valid_from as expected_valid_from,
           a.valid_to as actual_valid_to, e.valid_to as expected_valid_to, e.deleted,
           case
               when a.entity_id is null then 'missing version'
               when e.entity_id is null then 'extra version'
               when a.occurrences > 1 then 'version occurs ' || a.occurrences || ' times'
               when a.bad_open_end then 'open end is not {{ open_end if open_end is not none else "NULL" }}'
               {%- if invalidate %}
               when e.deleted and a.valid_to is null then 'deleted key still open'
               {%- endif %}
               when not ({{ 'e.deleted' if invalidate else 'false' }}) and a.valid_to is distinct from e.valid_to then 'wrong valid_to'
           end as violation
    from normalised as a
    full outer join expected as e on a.entity_id = e.entity_id and a.valid_from = e.valid_from
)
select * from compared where violation is not null
{% endmacro %}
