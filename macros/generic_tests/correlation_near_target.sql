{# Fails when the realised Pearson correlation of two metric columns is more than `tolerance`
   away from the delivered target recorded in truth_correlations. #}
{% test correlation_near_target(model, column_a, column_b, tolerance=0.1, truth_model=none) %}
  {{ return(adapter.dispatch('test_correlation_near_target', 'plotsim_dbt')(model, column_a, column_b, tolerance, truth_model)) }}
{% endtest %}

{% macro default__test_correlation_near_target(model, column_a, column_b, tolerance, truth_model) %}
{%- set name_a, name_b = plotsim_dbt._plotsim_name(column_a), plotsim_dbt._plotsim_name(column_b) -%}
with realised as (
    select corr({{ plotsim_dbt._plotsim_quote(column_a) }}, {{ plotsim_dbt._plotsim_quote(column_b) }}) as realised from {{ model }}
),
target as (
    select delivered as target
    from {{ plotsim_dbt._plotsim_truth(truth_model, 'truth_correlations') }}
    where (metric_a = '{{ name_a }}' and metric_b = '{{ name_b }}')
       or (metric_a = '{{ name_b }}' and metric_b = '{{ name_a }}')
)
select realised.realised, target.target, {{ tolerance }} as tolerance
from realised
left join target on true
where target.target is null or realised.realised is null
   or abs(realised.realised - target.target) > {{ tolerance }}
{% endmacro %}
