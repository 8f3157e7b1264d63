{# Batch `batch` (default var plotsim_batch, 1) of a change feed, as a source system hands it over.
   kind='full': the source as the feed has delivered it by the batch's cut, one row per key (the
   change with the highest _seq committed so far; keys whose last change is a delete are gone),
   with `updated_at` = that change's _changed_at: what `dbt snapshot` reads, once per batch.
   kind='incremental': the deliveries of that batch only, feed columns included. #}
{% macro plotsim_cdc_extract(changes, unique_key, batch=none, kind='full') %}
  {{ return(adapter.dispatch('plotsim_cdc_extract', 'plotsim_dbt')(changes, unique_key, batch, kind)) }}
{% endmacro %}

{% macro default__plotsim_cdc_extract(changes, unique_key, batch, kind) %}
{%- set batch = batch if batch is not none else var('plotsim_batch', 1) -%}
{%- set keys = [unique_key] if unique_key is string else unique_key -%}
{%- if kind == 'incremental' -%}
select * from {{ changes }} where _batch = {{ batch }}
{%- else -%}
{%- set feed_columns = ['_op', '_seq', '_changed_at', '_commit_ts', '_batch'] -%}
{%- set values = [] -%}
{%- if execute -%}
  {%- for column in adapter.get_columns_in_relation(changes) if column.name | lower not in feed_columns -%}
    {%- do values.append(plotsim_dbt._plotsim_quote(column.name)) -%}
  {%- endfor -%}
{%- endif -%}
with delivered as (
    select *, row_number() over (
        partition by {% for key in keys %}{{ plotsim_dbt._plotsim_quote(key) }}{% if not loop.last %}, {% endif %}{% endfor %}
        order by _seq desc) as _plotsim_latest
    from {{ changes }}
    where _batch <= {{ batch }}
)
select {% for column in values %}{{ column }}, {% endfor %}_changed_at as updated_at
from delivered
where _plotsim_latest = 1 and _op <> 'delete'
{%- endif -%}
{% endmacro %}
