{# Fails when a per-entity feature column does not separate the configured archetypes better than
   chance: with eta squared the share of its variance explained by the archetype (from
   truth_entities), n entities and k archetypes, a feature unrelated to the archetype gives
   (n - k) eta^2 / (1 - eta^2) about chi-squared with d = k - 1 degrees of freedom, which exceeds
   d + 2 sqrt(d x) + 2 x, x = ln(1 / false_alarm_rate), with probability at most false_alarm_rate
   (Laurent and Massart's bound). Below that bound the feature fails: shuffled or unlabelled
   features land there. How far clean data stays above it depends on how strongly the config's
   archetypes differ in this feature, not on the test, so the scaffold makes it a warning
   (docs/dbt.md, False alarms, gives the measured warning rates). #}
{% test archetype_recoverable(model, column_name, entity_column, false_alarm_rate=1e-4, entities_model=none) %}
  {{ return(adapter.dispatch('test_archetype_recoverable', 'plotsim_dbt')(model, column_name, entity_column, false_alarm_rate, entities_model)) }}
{% endtest %}

{% macro default__test_archetype_recoverable(model, column_name, entity_column, false_alarm_rate, entities_model) %}
{%- set column = plotsim_dbt._plotsim_quote(column_name) -%}
with labelled as (
    select e.archetype, f.{{ column }} as feature
    from {{ model }} as f
    join {{ plotsim_dbt._plotsim_truth(entities_model, 'truth_entities') }} as e on f.{{ plotsim_dbt._plotsim_quote(entity_column) }} = e.entity_id
    where f.{{ column }} is not null
),
groups as (
    select archetype, count(*) as n, avg(feature) as group_mean from labelled group by archetype
),
totals as (
    select avg(feature) as grand_mean, var_pop(feature) * count(*) as total_ss, count(*) as n from labelled
),
fit as (
    select sum(g.n * (g.group_mean - t.grand_mean) * (g.group_mean - t.grand_mean)) / nullif(max(t.total_ss), 0) as eta_squared,
           count(*) as archetypes, max(t.n) as entities
    from groups as g cross join totals as t
),
judged as (
    select '{{ plotsim_dbt._plotsim_name(column_name) }}' as feature, eta_squared, archetypes, entities,
           (entities - archetypes) * eta_squared / greatest(1 - eta_squared, 1e-12) as separation,
           (archetypes - 1) + 2 * sqrt((archetypes - 1) * ln(1 / {{ false_alarm_rate }})) + 2 * ln(1 / {{ false_alarm_rate }}) as chance_bound,
           (entities - archetypes) * eta_squared / greatest(1 - eta_squared, 1e-12)
               - ((archetypes - 1) + 2 * sqrt((archetypes - 1) * ln(1 / {{ false_alarm_rate }})) + 2 * ln(1 / {{ false_alarm_rate }})) as margin
    from fit
    where archetypes > 1
)
select * from judged
where margin is null or margin < 0
{% endmacro %}
