{# Fails on every row of a dbt snapshot of a change feed's extract that differs from the SCD2
   history a correct snapshot holds after batch `batch` (default var plotsim_batch), read from
   truth_snapshot_versions: a version missing, extra or repeated, a wrong dbt_valid_from, a wrong
   or missing dbt_valid_to. `unique_key` is the snapshot's: the entity id column; for a
   per-entity-per-period fact the list [date column, entity id column] with `period_column` naming
   the date column; for a variable or child fact its id column, named again in `row_id_column`.
   Versions match on (key, dbt_valid_from). With hard_deletes 'invalidate' or 'new_record' a
   deleted key's version must be closed (dbt stamps it with the run's clock, so only its presence
   is checked; under new_record it must close when its deletion record opens); with 'ignore' it
   stays open. new_record's deletion records (`is_deleted` column true) match on the key alone and
   must be open. open_end '9999-12-31' expects that date on open versions (dbt_valid_to_current),
   none expects NULL. #}
{% test snapshot_matches_truth(model, cdc_table, unique_key, strategy='timestamp', batch=none, hard_deletes='ignore', open_end=none, valid_from='dbt_valid_from', valid_to='dbt_valid_to', truth_model=none, period_column=none, is_deleted='dbt_is_deleted', row_id_column=none) %}
  {{ return(adapter.dispatch('test_snapshot_matches_truth', 'plotsim_dbt')(model, cdc_table, unique_key, strategy, batch, hard_deletes, open_end, valid_from, valid_to, truth_model, period_column, is_deleted, row_id_column)) }}
{% endtest %}

{% macro default__test_snapshot_matches_truth(model, cdc_table, unique_key, strategy, batch, hard_deletes, open_end, valid_from, valid_to, truth_model, period_column, is_deleted, row_id_column) %}
{%- set truth = plotsim_dbt._plotsim_truth(truth_model, 'truth_snapshot_versions') -%}
{%- set batch = batch if batch is not none else var('plotsim_batch', 1) -%}
{%- set keys = [unique_key] if unique_key is string else unique_key -%}
{%- set entity_keys = keys | reject('equalto', period_column) | list -%}
{%- if entity_keys | length != 1 or (period_column is not none and keys | length != 2)
      or (row_id_column is not none and (keys != [row_id_column] or period_column is not none)) -%}
  {{ exceptions.raise_compiler_error("snapshot_matches_truth: unique_key must be the entity id column; for a per-entity-per-period fact the list [date column, entity id column] with period_column naming the date column; for a variable or child fact its id column, also given as row_id_column; got unique_key=" ~ unique_key ~ ", period_column=" ~ period_column ~ ", row_id_column=" ~ row_id_column) }}
{%- endif -%}
{%- if hard_deletes not in ['ignore', 'invalidate', 'new_record'] -%}
  {{ exceptions.raise_compiler_error("snapshot_matches_truth: hard_deletes must be ignore, invalidate or new_record, as on the snapshot; got " ~ hard_deletes) }}
{%- endif -%}
{%- set closes_deleted = hard_deletes != 'ignore' -%}
{%- set new_record = hard_deletes == 'new_record' -%}
{#- deletion records carry the run's clock as valid_from: they match on the key, at this stand-in time -#}
{%- set deletion_from = "cast('1900-01-01' as timestamp)" -%}
{#- key_id: the entity, or a variable or child fact's row id (then with no date) -#}
{%- set truth_key = 'row_id' if row_id_column is not none else 'entity_id' -%}
with actual as (
    select {{ plotsim_dbt._plotsim_quote(entity_keys[0]) }} as key_id,
           {{ 'cast(' ~ plotsim_dbt._plotsim_quote(period_column) ~ ' as integer)' if period_column is not none else '-1' }} as date_key,
           {{ "lower(cast(" ~ plotsim_dbt._plotsim_quote(is_deleted) ~ " as varchar)) = 'true'" if new_record else 'false' }} as is_deleted,
           cast({{ plotsim_dbt._plotsim_quote(valid_from) }} as timestamp) as valid_from,
           cast({{ plotsim_dbt._plotsim_quote(valid_to) }} as timestamp) as raw_valid_to
    from {{ model }}
),
normalised as (
    select key_id, date_key, is_deleted, valid_from,
           case when is_deleted then {{ deletion_from }} else valid_from end as match_from,
           {%- if open_end is not none %}
           nullif(raw_valid_to, cast('{{ open_end }}' as timestamp)) as valid_to,
           raw_valid_to is null as bad_open_end,
           {%- else %}
           raw_valid_to as valid_to,
           raw_valid_to >= cast('9999-01-01' as timestamp) as bad_open_end,
           {%- endif %}
           count(*) over (partition by key_id, date_key, is_deleted, case when is_deleted then {{ deletion_from }} else valid_from end) as occurrences
    from actual
),
expected as (
    select {{ truth_key }} as key_id, {{ '-1' if row_id_column is not none else 'coalesce(date_key, -1)' }} as date_key, is_deleted,
           case when is_deleted then {{ deletion_from }} else valid_from end as match_from,
           case when closed_batch <= {{ batch }} and closed_by = 'update' then valid_to end as valid_to,
           coalesce(closed_batch <= {{ batch }} and closed_by = 'delete', false) as deleted
    from {{ truth }}
    where cdc_table = '{{ cdc_table }}' and strategy = '{{ strategy }}' and first_batch <= {{ batch }}
      {%- if not new_record %} and not is_deleted{% endif %}
),
compared as (
    select coalesce(a.key_id, e.key_id) as key_id, coalesce(a.date_key, e.date_key) as date_key,
           coalesce(a.is_deleted, e.is_deleted) as is_deleted,
           a.valid_from as actual_valid_from, e.match_from as expected_valid_from,
           a.valid_to as actual_valid_to, e.valid_to as expected_valid_to, e.deleted,
           case
               when a.key_id is null then 'missing version'
               when e.key_id is null then 'extra version'
               when a.occurrences > 1 then 'version occurs ' || a.occurrences || ' times'
               when a.bad_open_end then 'open end is not {{ open_end if open_end is not none else "NULL" }}'
               {%- if closes_deleted %}
               when e.deleted and a.valid_to is null then 'deleted key still open'
               {%- endif %}
               {%- if new_record %}
               when e.deleted and a.valid_to is distinct from d.valid_from then 'not closed when its deletion record opened'
               {%- endif %}
               when not ({{ 'e.deleted' if closes_deleted else 'false' }}) and a.valid_to is distinct from e.valid_to then 'wrong valid_to'
           end as violation
    from normalised as a
    full outer join expected as e
        on a.key_id = e.key_id and a.date_key = e.date_key and a.is_deleted = e.is_deleted and a.match_from = e.match_from
    {%- if new_record %}
    left join normalised as d on d.is_deleted and d.key_id = e.key_id and d.date_key = e.date_key
    {%- endif %}
)
select * from compared where violation is not null
{% endmacro %}
