{# Fails when event timestamps do not follow the engine's weekly calendar: the total variation
   distance between the observed hour-of-week distribution (slot = (isodow - 1) * 24 + hour) and
   the truth (sum over components of mixture weight x slot probability) exceeds
   0.5 * sqrt(support / n) + sqrt(ln(1 / delta) / (2 n)), a bound that holds with probability
   1 - delta for n events over `support` possible slots. `group_by: entity` (default) tests every
   entity against its own mixture (timestamps shuffled across entities fail); `group_by: pooled`
   tests the whole table against the event-weighted mix. #}
{% test calendar_matches_truth(model, entity_column, timestamp_column, group_by='entity', delta=1e-6, min_events=1, components_model=none, mixtures_model=none) %}
  {{ return(adapter.dispatch('test_calendar_matches_truth', 'plotsim_dbt')(model, entity_column, timestamp_column, group_by, delta, min_events, components_model, mixtures_model)) }}
{% endtest %}

{% macro default__test_calendar_matches_truth(model, entity_column, timestamp_column, group_by, delta, min_events, components_model, mixtures_model) %}
{%- set pooled = group_by == 'pooled' -%}
{%- set stamp = plotsim_dbt._plotsim_quote(timestamp_column) -%}
with events as (
    select {{ plotsim_dbt._plotsim_quote(entity_column) }} as entity_id,
           {{ plotsim_dbt._plotsim_hour_of_week(stamp) }} as slot,
           count(*) as observed
    from {{ model }}
    where {{ stamp }} is not null
    group by 1, 2
),
entity_totals as (
    select entity_id, sum(observed) as n from events group by 1
),
entity_truth as (
    select m.entity_id, c.slot, sum(m.weight * c.probability) as p
    from {{ plotsim_dbt._plotsim_truth(mixtures_model, 'truth_calendar_mixtures') }} as m
    join {{ plotsim_dbt._plotsim_truth(components_model, 'truth_calendar_components') }} as c on c.component = m.component
    where m.entity_id in (select entity_id from entity_totals)
    group by 1, 2
),
{%- if pooled %}
observed as (
    select 0 as grp, slot, sum(observed) as observed from events group by 2
),
totals as (
    select 0 as grp, sum(n) as n from entity_totals
),
truth as (
    select 0 as grp, t.slot, sum(t.p * e.n) / (select sum(n) from entity_totals) as p
    from entity_truth as t join entity_totals as e using (entity_id) group by 2
),
{%- else %}
observed as (
    select entity_id as grp, slot, observed from events
),
totals as (
    select entity_id as grp, n from entity_totals
),
truth as (
    select entity_id as grp, slot, p from entity_truth
),
{%- endif %}
distance as (
    select coalesce(t.grp, o.grp) as grp,
           0.5 * sum(abs(coalesce(o.observed, 0) / n.n - coalesce(t.p, 0))) as total_variation,
           count(*) filter (where t.p > 0) as support,
           max(n.n) as events
    from truth as t
    full outer join observed as o on o.grp = t.grp and o.slot = t.slot
    join totals as n on n.grp = coalesce(t.grp, o.grp)
    group by 1
)
select grp as {{ 'pooled' if pooled else 'entity_id' }}, total_variation, events, support,
       0.5 * sqrt(greatest(support, 1) / events) + sqrt(ln(1 / {{ delta }}) / (2 * events)) as bound
from distance
where events >= {{ min_events }}
  and total_variation > 0.5 * sqrt(greatest(support, 1) / events) + sqrt(ln(1 / {{ delta }}) / (2 * events))
{% endmacro %}
