{# Fails unless a difference-in-differences on `metric` recovers the treatment effect recorded in
   truth_treatments, for every treated segment that moves the metric. Per entity of the segment:
   its mean at or after the start date minus its mean before (entities with both); then the
   treatment arm's average change minus the control arm's (arms from truth_entities). The
   estimate must lie within _plotsim_z(false_alarm_rate) standard errors of expected_effect, shared
   over the segments judged, the standard error being sqrt(var_t / n_t + var_c / n_c) of the
   per-entity changes. A treated segment with no
   estimate (start_period 0 leaves no period before the start; an arm with fewer than two
   entities has no variance) fails with its reason rather than passing unchecked. #}
{% test treatment_effect_recovered(model, metric, entity_column, date_column='date_key', false_alarm_rate=1e-4, truth_model=none, entities_model=none) %}
  {{ return(adapter.dispatch('test_treatment_effect_recovered', 'plotsim_dbt')(model, metric, entity_column, date_column, false_alarm_rate, truth_model, entities_model)) }}
{% endtest %}

{% macro default__test_treatment_effect_recovered(model, metric, entity_column, date_column, false_alarm_rate, truth_model, entities_model) %}
{%- set metric_name = plotsim_dbt._plotsim_name(metric) -%}
with truth as (
    select segment, start_period, start_date_key, treatment_label, control_label, expected_effect
    from {{ plotsim_dbt._plotsim_truth(truth_model, 'truth_treatments') }}
    where metric = '{{ metric_name }}'
),
arms as (
    select e.entity_id, t.segment, t.start_date_key, e.treatment_group = t.treatment_label as treated
    from {{ plotsim_dbt._plotsim_truth(entities_model, 'truth_entities') }} as e
    join truth as t on e.segment = t.segment and e.treatment_group in (t.treatment_label, t.control_label)
),
changes as (
    select a.segment, a.treated,
           avg(case when f.{{ plotsim_dbt._plotsim_quote(date_column) }} >= a.start_date_key then f.{{ plotsim_dbt._plotsim_quote(metric) }} end)
           - avg(case when f.{{ plotsim_dbt._plotsim_quote(date_column) }} < a.start_date_key then f.{{ plotsim_dbt._plotsim_quote(metric) }} end) as change
    from {{ model }} as f
    join arms as a on f.{{ plotsim_dbt._plotsim_quote(entity_column) }} = a.entity_id
    group by a.segment, a.entity_id, a.treated
),
arm_stats as (
    select segment,
           avg(case when treated then change end) as mean_treated,
           avg(case when not treated then change end) as mean_control,
           var_samp(case when treated then change end) as var_treated,
           var_samp(case when not treated then change end) as var_control,
           count(case when treated then change end) as n_treated,
           count(case when not treated then change end) as n_control
    from changes
    where change is not null
    group by segment
),
estimates as (
    select t.segment, t.start_period, t.expected_effect, s.n_treated, s.n_control,
           s.mean_treated - s.mean_control as estimated_effect,
           sqrt(s.var_treated / s.n_treated + s.var_control / s.n_control) as standard_error
    from truth as t
    left join arm_stats as s on s.segment = t.segment
),
judged as (
    select *,
           {{ plotsim_dbt._plotsim_z(false_alarm_rate, 'count(*) over ()') }} * standard_error - abs(estimated_effect - expected_effect) as margin,
           case
               when start_period = 0 then 'start_period 0: no period before the treatment, so no difference-in-differences'
               when expected_effect is null then 'no treated entity exists before start_period: no effect to compare with'
               when estimated_effect is null then 'no estimate: the model has no entity of both arms with rows before and after the start'
               when standard_error is null then 'no standard error: an arm has fewer than two entities with a change'
               when abs(estimated_effect - expected_effect) > {{ plotsim_dbt._plotsim_z(false_alarm_rate, 'count(*) over ()') }} * standard_error
                   then 'estimated effect too many standard errors from expected_effect'
           end as violation
    from estimates
)
select segment, '{{ metric_name }}' as metric, estimated_effect, expected_effect, standard_error, n_treated, n_control, margin, violation
from judged
where margin is null or margin < 0
{% endmacro %}
