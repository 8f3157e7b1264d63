{# Fails unless the cross-correlation between the driver's and the follower's per-archetype mean
   series peaks at the delay recorded in truth_lags. Each period's mean over all archetypes is
   subtracted first, so the shared season and trend cannot hide the lag, and levels rather than
   changes are compared, so the entity-level noise and timing spread average out instead of
   flattening the peak. The decision is an argmax, with no tolerance to derive: `margin` is how far
   the strength at the expected delay leads the strongest other lag (bench/false_alarms.py records
   its smallest value over seeds). #}
{% test lag_recovered(model, driver, follower, entity_column, max_lag=6, date_column='date_key', truth_model=none, entities_model=none) %}
  {{ return(adapter.dispatch('test_lag_recovered', 'plotsim_dbt')(model, driver, follower, entity_column, max_lag, date_column, truth_model, entities_model)) }}
{% endtest %}

{% macro default__test_lag_recovered(model, driver, follower, entity_column, max_lag, date_column, truth_model, entities_model) %}
with series as (
    select e.archetype, f.{{ plotsim_dbt._plotsim_quote(date_column) }} as period, avg(f.{{ plotsim_dbt._plotsim_quote(driver) }}) as d, avg(f.{{ plotsim_dbt._plotsim_quote(follower) }}) as f
    from {{ model }} as f
    join {{ plotsim_dbt._plotsim_truth(entities_model, 'truth_entities') }} as e on f.{{ plotsim_dbt._plotsim_quote(entity_column) }} = e.entity_id
    group by 1, 2
),
deviations as (
    select archetype,
           row_number() over (partition by archetype order by period) as t,
           d - avg(d) over (partition by period) as driver_dev,
           f - avg(f) over (partition by period) as follower_dev
    from series
),
cross_correlation as (
    {% for k in range(0, max_lag + 1) %}
    select {{ k }} as lag_periods, abs(corr(a.driver_dev, b.follower_dev)) as strength
    from deviations as a join deviations as b on b.archetype = a.archetype and b.t = a.t + {{ k }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),
expected as (
    select delay from {{ plotsim_dbt._plotsim_truth(truth_model, 'truth_lags') }}
    where driver = '{{ plotsim_dbt._plotsim_name(driver) }}' and follower = '{{ plotsim_dbt._plotsim_name(follower) }}'
),
judged as (
    select e.delay as expected_lag,
           (select lag_periods from cross_correlation where strength is not null
            order by strength desc, lag_periods limit 1) as recovered_lag,
           max(c.strength) filter (where c.lag_periods = e.delay)
               - max(c.strength) filter (where c.lag_periods != e.delay) as margin
    from cross_correlation as c
    left join expected as e on true  -- no truth row: one group with a null delay, which fails
    group by e.delay
)
select * from judged
where margin is null or margin < 0
{% endmacro %}
