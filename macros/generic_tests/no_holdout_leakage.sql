{# Fails when the entity-feature table could have seen the holdout: a column of the holdout
   target metric is present, or a metric's `<metric>_mean` / `<metric>_last` differs from the mean
   / last value of `fact` before the cutoff recorded in truth_holdout (features computed on the
   whole window, or on a shifted one, differ). Without a holdout the whole window counts. #}
{% test no_holdout_leakage(model, fact, metrics, entity_column, date_column='date_key', target_metric=none, tolerance=1e-6, truth_model=none) %}
  {{ return(adapter.dispatch('test_no_holdout_leakage', 'plotsim_dbt')(model, fact, metrics, entity_column, date_column, target_metric, tolerance, truth_model)) }}
{% endtest %}

{% macro default__test_no_holdout_leakage(model, fact, metrics, entity_column, date_column, target_metric, tolerance, truth_model) %}
{%- set truth = plotsim_dbt._plotsim_truth(truth_model, 'truth_holdout') -%}
{%- set leaked = [] -%}
{%- if execute and target_metric is not none -%}
  {%- for column in adapter.get_columns_in_relation(model) -%}
    {%- if column.name.lower().startswith(target_metric.lower() ~ '_') -%}{%- do leaked.append(column.name) -%}{%- endif -%}
  {%- endfor -%}
{%- endif -%}
with cutoff as (
    select coalesce(max(cutoff_date_key), 2147483647) as cutoff_key from {{ truth }}
),
training as (
    select f.* from {{ fact }} as f cross join cutoff as c where f.{{ date_column }} < c.cutoff_key
),
expected as (
    select {{ entity_column }} as entity_id
    {%- for metric in metrics %},
           avg({{ metric }}) as {{ metric }}_mean,
           arg_max({{ metric }}, {{ date_column }}) filter (where {{ metric }} is not null) as {{ metric }}_last
    {%- endfor %}
    from training
    group by {{ entity_column }}
),
differences as (
    {%- for metric in metrics %}
    {%- for stat in ['mean', 'last'] %}
    select e.entity_id, '{{ metric }}_{{ stat }}' as feature, f.{{ metric }}_{{ stat }} as actual, e.{{ metric }}_{{ stat }} as expected
    from expected as e
    left join {{ model }} as f on f.{{ entity_column }} = e.entity_id
    where f.{{ entity_column }} is null
       or abs(coalesce(f.{{ metric }}_{{ stat }}, 1e300) - coalesce(e.{{ metric }}_{{ stat }}, 1e300))
          > {{ tolerance }} * (1 + abs(coalesce(e.{{ metric }}_{{ stat }}, 0)))
    {{ 'union all' if not loop.last }}
    {%- endfor %}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
)
select entity_id, feature, actual, expected from differences
{%- for column in leaked %}
union all
select null, '{{ column }}', null, null
{%- endfor %}
{% endmacro %}
