{# Per archetype, the per-period mean of the metric must track the planned centre the truth
   trajectory implies: correlation at least `min_correlation` (so growth rises and decline falls)
   and a slope of mean on centre within 1 +/- `tolerance` (so the size of the move is right).
   Archetypes whose centre does not move are skipped. #}
{% test metric_follows_archetype(model, column_name, entity_column, min_correlation=0.7, tolerance=0.5, date_column='date_key', entities_model=none, centres_model=none) %}
  {{ return(adapter.dispatch('test_metric_follows_archetype', 'plotsim_dbt')(model, column_name, entity_column, min_correlation, tolerance, date_column, entities_model, centres_model)) }}
{% endtest %}

{% macro default__test_metric_follows_archetype(model, column_name, entity_column, min_correlation, tolerance, date_column, entities_model, centres_model) %}
with observed as (
    select e.archetype, f.{{ plotsim_dbt._plotsim_quote(date_column) }} as date_key, avg(f.{{ plotsim_dbt._plotsim_quote(column_name) }}) as mean_value
    from {{ model }} as f
    join {{ plotsim_dbt._plotsim_truth(entities_model, 'truth_entities') }} as e
      on f.{{ plotsim_dbt._plotsim_quote(entity_column) }} = e.entity_id
    group by 1, 2
),
expected as (
    select archetype, date_key, avg(centre) as centre
    from {{ plotsim_dbt._plotsim_truth(centres_model, 'truth_centres') }}
    where metric = '{{ plotsim_dbt._plotsim_name(column_name) }}'
    group by 1, 2
),
per_archetype as (
    select e.archetype,
           corr(o.mean_value, e.centre) as correlation,
           regr_slope(o.mean_value, e.centre) as slope,
           stddev_pop(e.centre) as centre_spread,
           count(o.mean_value) as periods_seen
    from expected as e
    left join observed as o on o.archetype = e.archetype and o.date_key = e.date_key
    group by 1
)
select * from per_archetype
where periods_seen = 0
   or (centre_spread > 1e-9 * (1 + abs(centre_spread))
       and (correlation is null or correlation < {{ min_correlation }}
            or slope < 1 - {{ tolerance }} or slope > 1 + {{ tolerance }}))
{% endmacro %}
