{# The wide calendar format of an event table: one row per `id_column` value, one count column per
   hour-of-week slot, slot_000 (Monday 00:00) ... slot_167 (Sunday 23:00), slot = (ISO day of week
   - 1) * 24 + hour, read from the wall clock of `timestamp_column` as stored. Rows with a null
   timestamp are ignored; ids with fewer than `min_events` events are left out. Usage in a model:
   {{ plotsim_dbt.plotsim_calendar_wide(ref('evt_login'), 'company_id', 'logged_in_at') }} #}
{% macro plotsim_calendar_wide(relation, id_column, timestamp_column, min_events=1) %}
  {{ return(adapter.dispatch('plotsim_calendar_wide', 'plotsim_dbt')(relation, id_column, timestamp_column, min_events)) }}
{% endmacro %}

{% macro default__plotsim_calendar_wide(relation, id_column, timestamp_column, min_events) %}
with slotted as (
    select {{ id_column }} as calendar_id,
           cast({{ plotsim_dbt._plotsim_hour_of_week(timestamp_column) }} as integer) as slot
    from {{ relation }}
    where {{ timestamp_column }} is not null
)
select calendar_id as {{ id_column }},
{%- for slot in range(168) %}
       sum(case when slot = {{ slot }} then 1 else 0 end) as slot_{{ '%03d' % slot }},
{%- endfor %}
       count(*) as num_events
from slotted
group by calendar_id
having count(*) >= {{ min_events }}
{% endmacro %}
