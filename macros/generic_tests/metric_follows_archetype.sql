{# Per archetype, the per-period mean of the metric must track the planned centre the truth
   trajectory implies: the least-squares slope of mean on centre must lie within 1 +/- `tolerance`
   (so growth rises, decline falls and the size of the move is right), widened by sampling: the
   slope's standard error (from the residuals of the per-period means) times
   _plotsim_z(false_alarm_rate) shared over the archetypes judged. A series that no longer follows
   its centre (shuffled, flattened) has a slope near 0 and fails. Archetypes whose centre does not
   move, or seen in fewer than 3 periods (no standard error), are skipped; one with no rows fails. #}
{% test metric_follows_archetype(model, column_name, entity_column, tolerance=0.5, false_alarm_rate=1e-4, date_column='date_key', entities_model=none, centres_model=none) %}
  {{ return(adapter.dispatch('test_metric_follows_archetype', 'plotsim_dbt')(model, column_name, entity_column, tolerance, false_alarm_rate, date_column, entities_model, centres_model)) }}
{% endtest %}

{% macro default__test_metric_follows_archetype(model, column_name, entity_column, tolerance, false_alarm_rate, date_column, entities_model, centres_model) %}
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
           regr_count(o.mean_value, e.centre) as periods_seen,
           regr_slope(o.mean_value, e.centre) as slope,
           regr_sxx(o.mean_value, e.centre) as sxx,
           regr_syy(o.mean_value, e.centre) - power(regr_sxy(o.mean_value, e.centre), 2) / nullif(regr_sxx(o.mean_value, e.centre), 0) as residual_ss,
           stddev_pop(e.centre) as centre_spread
    from expected as e
    left join observed as o on o.archetype = e.archetype and o.date_key = e.date_key
    group by 1
),
judged as (
    select archetype, periods_seen, slope,
           sqrt(greatest(residual_ss, 0) / (periods_seen - 2) / sxx) as standard_error,
           {{ tolerance }} + {{ plotsim_dbt._plotsim_z(false_alarm_rate, 'count(*) over ()') }}
               * sqrt(greatest(residual_ss, 0) / (periods_seen - 2) / sxx) - abs(slope - 1) as margin
    from per_archetype
    where periods_seen = 0
       or (periods_seen >= 3 and centre_spread > 1e-9 * (1 + abs(centre_spread)))
)
select * from judged
where margin is null or margin < 0
{% endmacro %}
