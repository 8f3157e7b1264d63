{# Fails on every (left, right) pair whose number of rows differs from truth_bridge_links for
   the bridge (bridge_name defaults to the model's identifier): a missing link, an extra link or
   a duplicated one. #}
{% test bridge_matches_truth(model, left_column, right_column, bridge_name=none, truth_model=none) %}
  {{ return(adapter.dispatch('test_bridge_matches_truth', 'plotsim_dbt')(model, left_column, right_column, bridge_name, truth_model)) }}
{% endtest %}

{% macro default__test_bridge_matches_truth(model, left_column, right_column, bridge_name, truth_model) %}
{%- set truth = plotsim_dbt._plotsim_truth(truth_model, 'truth_bridge_links') -%}
{%- set name = bridge_name if bridge_name is not none else model.identifier -%}
with actual as (
    select {{ plotsim_dbt._plotsim_quote(left_column) }} as left_id, {{ plotsim_dbt._plotsim_quote(right_column) }} as right_id, count(*) as links
    from {{ model }}
    group by 1, 2
),
expected as (
    select left_id, right_id, count(*) as links
    from {{ truth }}
    where bridge = '{{ name }}'
    group by 1, 2
)
select coalesce(a.left_id, e.left_id) as left_id,
       coalesce(a.right_id, e.right_id) as right_id,
       coalesce(a.links, 0) as actual_links,
       coalesce(e.links, 0) as expected_links,
       case
           when a.links is null then 'missing link'
           when e.links is null then 'extra link'
           when a.links > e.links then 'duplicated link'
           else 'fewer copies than in truth'
       end as violation
from actual as a
full outer join expected as e on a.left_id = e.left_id and a.right_id = e.right_id
where a.links is distinct from e.links
{% endmacro %}
