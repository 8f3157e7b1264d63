{# Fails when the realised Pearson correlation of two metric columns is further from the delivered
   target recorded in truth_correlations than sampling explains: in Fisher's z (atanh), the
   realised value of n independent units has standard error 1 / sqrt(n - 3), and the test allows
   _plotsim_z(false_alarm_rate) of them. Rows of one entity are not independent, so n counts the
   distinct `entity_column` values (a design effect of at most the rows per entity); without it,
   the rows. `delivered` is itself a prediction, so `prediction_error` (in Fisher z) is allowed on
   top: at 45,312 companies, where sampling error is negligible, the saas template's predictions
   were off by at most 0.015. #}
{% test correlation_near_target(model, column_a, column_b, entity_column=none, false_alarm_rate=1e-4, prediction_error=0.03, truth_model=none) %}
  {{ return(adapter.dispatch('test_correlation_near_target', 'plotsim_dbt')(model, column_a, column_b, entity_column, false_alarm_rate, prediction_error, truth_model)) }}
{% endtest %}

{% macro default__test_correlation_near_target(model, column_a, column_b, entity_column, false_alarm_rate, prediction_error, truth_model) %}
{%- set name_a, name_b = plotsim_dbt._plotsim_name(column_a), plotsim_dbt._plotsim_name(column_b) -%}
{%- set a, b = plotsim_dbt._plotsim_quote(column_a), plotsim_dbt._plotsim_quote(column_b) -%}
with realised as (
    select corr({{ a }}, {{ b }}) as realised,
           {{ 'count(distinct ' ~ plotsim_dbt._plotsim_quote(entity_column) ~ ')' if entity_column is not none else 'count(*)' }} as units
    from {{ model }}
    where {{ a }} is not null and {{ b }} is not null
),
target as (
    select delivered as target
    from {{ plotsim_dbt._plotsim_truth(truth_model, 'truth_correlations') }}
    where (metric_a = '{{ name_a }}' and metric_b = '{{ name_b }}')
       or (metric_a = '{{ name_b }}' and metric_b = '{{ name_a }}')
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
