{# Fails on every parent row of `to` whose children in the model do not add `column_name` up to
   the parent's `parent_column` (beyond `tolerance`; a NULL parent value needs NULL children), on
   every parent row without children and on every child group without a parent row. Children find
   their parent by key_columns = parent_key_columns (default: the same names). #}
{% test children_sum_to_parent(model, column_name, to, parent_column, key_columns, parent_key_columns=none, tolerance=0) %}
  {{ return(adapter.dispatch('test_children_sum_to_parent', 'plotsim_dbt')(model, column_name, to, parent_column, key_columns, parent_key_columns, tolerance)) }}
{% endtest %}

{% macro default__test_children_sum_to_parent(model, column_name, to, parent_column, key_columns, parent_key_columns, tolerance) %}
{%- set parent_keys = parent_key_columns if parent_key_columns is not none else key_columns -%}
with children as (
    select {% for key in key_columns %}{{ plotsim_dbt._plotsim_quote(key) }} as key_{{ loop.index }}, {% endfor -%}
           sum({{ plotsim_dbt._plotsim_quote(column_name) }}) as children_total, count(*) as children
    from {{ model }}
    group by {% for key in key_columns %}{{ plotsim_dbt._plotsim_quote(key) }}{{ ", " if not loop.last }}{% endfor %}
),
parents as (
    select {% for key in parent_keys %}{{ plotsim_dbt._plotsim_quote(key) }} as key_{{ loop.index }}, {% endfor -%}
           {{ plotsim_dbt._plotsim_quote(parent_column) }} as parent_value
    from {{ to }}
)
select {% for key in key_columns %}coalesce(p.key_{{ loop.index }}, c.key_{{ loop.index }}) as key_{{ loop.index }}, {% endfor -%}
       p.parent_value, c.children_total, coalesce(c.children, 0) as children,
       case
           when c.children is null then 'parent row without children'
           when p.key_1 is null then 'children without a parent row'
           else 'children do not add up to the parent'
       end as problem
from parents as p
full outer join children as c
    on {% for key in key_columns %}p.key_{{ loop.index }} = c.key_{{ loop.index }}{{ " and " if not loop.last }}{% endfor %}
where c.children is null
   or p.key_1 is null
   or (c.children_total is null) != (p.parent_value is null)
   or abs(c.children_total - p.parent_value) > {{ tolerance }}
{% endmacro %}
