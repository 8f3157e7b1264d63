{# Fails when the entity-feature table could have seen the holdout: a column of the holdout
   target metric is present, or a metric's `<metric>_mean` / `<metric>_last` differs from the mean
   / last value of `fact` before the cutoff recorded in truth_holdout (features computed on the
   whole window, or on a shifted one, differ). Without a holdout the whole window counts. #}
{% test no_holdout_leakage(model, fact, metrics, entity_column, date_column='date_key', target_metric=none, tolerance=1e-6, truth_model=none) %}
  {{ return(adapter.dispatch('test_no_holdout_leakage', 'plotsim_dbt')(model, fact, metrics, entity_column, date_column, target_metric, tolerance, truth_model)) }}
{% endtest %}

{% macro default__test_no_holdout_leakage(model, fact, metrics, entity_column, date_column, target_metric, tolerance, truth_model) %}
{%- set truth = plotsim_dbt._plotsim_truth(truth_model, 'truth_holdout') -%}
{%- set entity, date_value = plotsim_dbt._plotsim_quote(entity_column), plotsim_dbt._plotsim_quote(date_column) -%}
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
    select f.* from {{ fact }} as f cross join cutoff as c where f.{{ date_value }} < c.cutoff_key
),
expected as (
    select {{ entity }} as entity_id
    {%- for metric in metrics %},
           avg(cast({{ plotsim_dbt._plotsim_quote(metric) }} as {{ plotsim_dbt._plotsim_type_double() }})) as {{ plotsim_dbt._plotsim_quote(metric ~ '_mean') }},
           {{ plotsim_dbt._plotsim_last_value(plotsim_dbt._plotsim_quote(metric), date_value) }} as {{ plotsim_dbt._plotsim_quote(metric ~ '_last') }}
    {%- endfor %}
    from training
    group by {{ entity }}
),
differences as (
    {%- for metric in metrics %}
    {%- for stat in ['mean', 'last'] %}
    {%- set feature = plotsim_dbt._plotsim_quote(metric ~ '_' ~ stat) %}
    select e.entity_id, '{{ metric }}_{{ stat }}' as feature, f.{{ feature }} as actual, e.{{ feature }} as expected
    from expected as e
    left join {{ model }} as f on f.{{ entity }} = e.entity_id
    where f.{{ entity }} is null
       or abs(coalesce(f.{{ feature }}, 1e300) - coalesce(e.{{ feature }}, 1e300))
          > {{ tolerance }} * (1 + abs(coalesce(e.{{ feature }}, 0)))
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
