{# For a metric tied to an attribute of the entity dimension (scaled_by): fails on every row whose
   value is not its own value (within [unit_min, unit_max] of truth_metric_scales) times the
   factor of the label in force, found by joining the row to the dimension on join_column
   (dim_row_id for the version in force, or the entity key for a fixed attribute). A factor of 0
   must give 0; a label without a factor fails. `tolerance` absorbs the rounding of the product. #}
{% test metric_scaled_by_dimension(model, column_name, to, join_column, label_column, tolerance=0.01, truth_model=none) %}
  {{ return(adapter.dispatch('test_metric_scaled_by_dimension', 'plotsim_dbt')(model, column_name, to, join_column, label_column, tolerance, truth_model)) }}
{% endtest %}

{% macro default__test_metric_scaled_by_dimension(model, column_name, to, join_column, label_column, tolerance, truth_model) %}
{%- set column, name = plotsim_dbt._plotsim_quote(column_name), plotsim_dbt._plotsim_name(column_name) -%}
{%- set join = plotsim_dbt._plotsim_quote(join_column) -%}
with labelled as (
    select distinct f.{{ join }} as joined_on, cast(f.{{ column }} as {{ plotsim_dbt._plotsim_type_double() }}) as value,
           cast(d.{{ plotsim_dbt._plotsim_quote(label_column) }} as {{ plotsim_dbt._plotsim_type_text() }}) as label
    from {{ model }} as f
    left join {{ to }} as d on f.{{ join }} = d.{{ join }}
    where f.{{ column }} is not null
),
scales as (
    select label, factor, unit_min, unit_max
    from {{ plotsim_dbt._plotsim_truth(truth_model, 'truth_metric_scales') }}
    where metric = '{{ name }}'
)
select l.joined_on, l.value, l.label, s.factor, s.unit_min, s.unit_max
from labelled as l
left join scales as s on l.label = s.label
where s.factor is null
   or (s.factor = 0 and l.value <> 0)
   or (s.factor > 0 and (l.value < s.unit_min * s.factor - {{ tolerance }}
                         or l.value > s.unit_max * s.factor + {{ tolerance }}))
{% endmacro %}
