{# Fails when the realised Pearson correlation of two metric columns is more than `tolerance`
   away from the delivered target recorded in truth_correlations. With `phase` (a connection
   phase's index) only the rows of that phase's periods count and its own target applies; without
   it, the base connection's target applies to the rows outside every connection phase (when the
   project has phases, `date_column` places the rows in them; without one, every row counts). #}
{% test correlation_near_target(model, column_a, column_b, tolerance=0.1, truth_model=none, phase=none, date_column=none) %}
  {{ return(adapter.dispatch('test_correlation_near_target', 'plotsim_dbt')(model, column_a, column_b, tolerance, truth_model, phase, date_column)) }}
{% endtest %}

{% macro default__test_correlation_near_target(model, column_a, column_b, tolerance, truth_model, phase, date_column) %}
{%- set name_a, name_b = plotsim_dbt._plotsim_name(column_a), plotsim_dbt._plotsim_name(column_b) -%}
{%- set truth = plotsim_dbt._plotsim_truth(truth_model, 'truth_correlations') -%}
{%- set day = 'm.' ~ plotsim_dbt._plotsim_quote(date_column or 'date_key') -%}
with phases as (
    select distinct phase, from_date_key, to_date_key from {{ truth }} where phase is not null
),
cells as (
    select m.{{ plotsim_dbt._plotsim_quote(column_a) }} as a, m.{{ plotsim_dbt._plotsim_quote(column_b) }} as b
    from {{ model }} as m
    {% if phase is none and date_column is not none -%}
    where not exists (select 1 from phases as p where {{ day }} between p.from_date_key and p.to_date_key)
    {%- elif phase is not none -%}
    join phases as p on p.phase = {{ phase }} and {{ day }} between p.from_date_key and p.to_date_key
    {%- endif %}
),
realised as (
    select corr(a, b) as realised from cells
),
target as (
    select delivered as target
    from {{ truth }}
    where ((metric_a = '{{ name_a }}' and metric_b = '{{ name_b }}')
       or (metric_a = '{{ name_b }}' and metric_b = '{{ name_a }}'))
      and phase {% if phase is none %}is null{% else %}= {{ phase }}{% endif %}
)
select realised.realised, target.target, {{ tolerance }} as tolerance
from realised
left join target on true
where target.target is null or realised.realised is null
   or abs(realised.realised - target.target) > {{ tolerance }}
{% endmacro %}
