{# Fails when the realised Pearson correlation of two metric columns is further from the delivered
   target recorded in truth_correlations than sampling explains: in Fisher's z (atanh), the
   realised value of n independent units has standard error 1 / sqrt(n - 3), and the test allows
   _plotsim_z(false_alarm_rate) of them. Rows of one entity are not independent, so n counts the
   distinct `entity_column` values (a design effect of at most the rows per entity); without it,
   the rows. `delivered` is itself a prediction, so `prediction_error` (in Fisher z) is allowed on
   top: at 45,312 companies, where sampling error is negligible, the saas template's predictions
   were off by at most 0.015.
   With `phase` (a connection phase's index) only the rows of that phase's periods count and its
   own target applies; without it, the base connection's target applies to the rows outside every
   connection phase (when the project has phases, `date_column` places the rows in them; without
   one, every row counts). #}
{% test correlation_near_target(model, column_a, column_b, entity_column=none, false_alarm_rate=1e-4, prediction_error=0.03, truth_model=none, phase=none, date_column=none) %}
  {{ return(adapter.dispatch('test_correlation_near_target', 'plotsim_dbt')(model, column_a, column_b, entity_column, false_alarm_rate, prediction_error, truth_model, phase, date_column)) }}
{% endtest %}

{% macro default__test_correlation_near_target(model, column_a, column_b, entity_column, false_alarm_rate, prediction_error, truth_model, phase, date_column) %}
{%- set name_a, name_b = plotsim_dbt._plotsim_name(column_a), plotsim_dbt._plotsim_name(column_b) -%}
{%- set truth = plotsim_dbt._plotsim_truth(truth_model, 'truth_correlations') -%}
{%- set day = 'm.' ~ plotsim_dbt._plotsim_quote(date_column or 'date_key') -%}
with phases as (
    select distinct phase, from_date_key, to_date_key from {{ truth }} where phase is not null
),
cells as (
    select m.{{ plotsim_dbt._plotsim_quote(column_a) }} as a, m.{{ plotsim_dbt._plotsim_quote(column_b) }} as b,
           {{ 'm.' ~ plotsim_dbt._plotsim_quote(entity_column) if entity_column is not none else 'null' }} as unit
    from {{ model }} as m
    {% if phase is none and date_column is not none -%}
    where not exists (select 1 from phases as p where {{ day }} between p.from_date_key and p.to_date_key)
    {%- elif phase is not none -%}
    join phases as p on p.phase = {{ phase }} and {{ day }} between p.from_date_key and p.to_date_key
    {%- endif %}
),
realised as (
    select corr(a, b) as realised,
           {{ 'count(distinct unit)' if entity_column is not none else 'count(*)' }} as units
    from cells
    where a is not null and b is not null
),
target as (
    select delivered as target
    from {{ truth }}
    where ((metric_a = '{{ name_a }}' and metric_b = '{{ name_b }}')
       or (metric_a = '{{ name_b }}' and metric_b = '{{ name_a }}'))
      and phase {% if phase is none %}is null{% else %}= {{ phase }}{% endif %}
),
judged as (
    select r.realised, t.target, r.units,
           {{ prediction_error }} + {{ plotsim_dbt._plotsim_z(false_alarm_rate) }} / sqrt(greatest(r.units - 3, 1)) as bound,
           {{ prediction_error }} + {{ plotsim_dbt._plotsim_z(false_alarm_rate) }} / sqrt(greatest(r.units - 3, 1))
               - abs(atanh(least(greatest(r.realised, -0.999999), 0.999999)) - atanh(least(greatest(t.target, -0.999999), 0.999999))) as margin
    from realised as r
    left join target as t on true
)
select * from judged
where margin is null or margin < 0
{% endmacro %}
