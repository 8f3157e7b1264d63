{# Fails when a per-entity feature column does not separate the configured archetypes: the share
   of its variance explained by the archetype (eta squared, from truth_entities) must be at
   least `min_eta_squared`. Shuffled or unlabelled features explain about none of it. #}
{% test archetype_recoverable(model, column_name, entity_column, min_eta_squared=0.5, entities_model=none) %}
  {{ return(adapter.dispatch('test_archetype_recoverable', 'plotsim_dbt')(model, column_name, entity_column, min_eta_squared, entities_model)) }}
{% endtest %}

{% macro default__test_archetype_recoverable(model, column_name, entity_column, min_eta_squared, entities_model) %}
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
    select avg(feature) as grand_mean, var_pop(feature) * count(*) as total_ss from labelled
),
fit as (
    select sum(g.n * (g.group_mean - t.grand_mean) * (g.group_mean - t.grand_mean)) / nullif(max(t.total_ss), 0) as eta_squared,
           count(*) as archetypes
    from groups as g cross join totals as t
)
select '{{ plotsim_dbt._plotsim_name(column_name) }}' as feature, eta_squared, archetypes
from fit
where eta_squared is null or eta_squared < {{ min_eta_squared }}
{% endmacro %}
