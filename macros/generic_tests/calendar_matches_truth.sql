{# Fails when event timestamps do not follow the engine's weekly calendar: the total variation
   distance between the observed hour-of-week distribution (slot = (isodow - 1) * 24 + hour) and
   the truth (sum over components of mixture weight x slot probability) exceeds
   0.5 * sqrt(support / n) + sqrt(ln(groups / false_alarm_rate) / (2 n)) for n events over
   `support` possible slots: the first term bounds its expected value, the second its deviation
   (McDiarmid), so each of the `groups` tested exceeds it with probability at most
   false_alarm_rate / groups, and the test as a whole at most false_alarm_rate. `group_by: entity`
   (default) tests every entity against its own mixture (timestamps shuffled across entities
   fail); `group_by: pooled` tests the whole table against the event-weighted mix.
   For speed, the truth is expanded only over slots some component can fill (an entity's other
   slots have probability 0 in the truth, and count through the observed side alone), and the
   pooled mix is weighted per component before it is spread over slots. #}
{% test calendar_matches_truth(model, entity_column, timestamp_column, group_by='entity', false_alarm_rate=1e-4, min_events=1, components_model=none, mixtures_model=none) %}
  {{ return(adapter.dispatch('test_calendar_matches_truth', 'plotsim_dbt')(model, entity_column, timestamp_column, group_by, false_alarm_rate, min_events, components_model, mixtures_model)) }}
{% endtest %}

{% macro default__test_calendar_matches_truth(model, entity_column, timestamp_column, group_by, false_alarm_rate, min_events, components_model, mixtures_model) %}
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
mixtures as (
    select m.entity_id, m.component, m.weight
    from {{ plotsim_dbt._plotsim_truth(mixtures_model, 'truth_calendar_mixtures') }} as m
    where m.entity_id in (select entity_id from entity_totals)
),
components as (
    select component, slot, probability
    from {{ plotsim_dbt._plotsim_truth(components_model, 'truth_calendar_components') }}
    where probability > 0
),
{%- if pooled %}
observed as (
    select 0 as grp, slot, sum(observed) as observed from events group by 2
),
totals as (
    select 0 as grp, sum(n) as n from entity_totals
),
component_weights as (
    select m.component, sum(m.weight * e.n) as weight
    from mixtures as m join entity_totals as e using (entity_id) group by 1
),
truth as (
    select 0 as grp, c.slot, sum(w.weight * c.probability) / (select sum(n) from entity_totals) as p
    from component_weights as w join components as c using (component) group by 2
),
{%- else %}
observed as (
    select entity_id as grp, slot, observed from events
),
totals as (
    select entity_id as grp, n from entity_totals
),
truth as (
    select m.entity_id as grp, c.slot, sum(m.weight * c.probability) as p
    from mixtures as m join components as c using (component)
    group by 1, 2
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
),
bounded as (
    select grp, total_variation, events, support,
           0.5 * sqrt(greatest(support, 1) * 1.0 / events)
               + sqrt(ln(count(*) over () / {{ false_alarm_rate }}) / (2.0 * events)) as bound
    from distance
    where events >= {{ min_events }}
),
judged as (
    select grp as {{ 'pooled' if pooled else 'entity_id' }}, total_variation, events, support, bound, bound - total_variation as margin
    from bounded
)
select * from judged
where margin is null or margin < 0
{% endmacro %}
