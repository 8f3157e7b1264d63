{# A row's key as truth_quality_faults writes it: the key columns as text, joined by '|'. #}
{% macro _plotsim_row_key(key_columns) %}
  {%- for column in key_columns -%}
    cast({{ plotsim_dbt._plotsim_quote(column) }} as {{ plotsim_dbt._plotsim_type_text() }}){% if not loop.last %} || '|' || {% endif %}
  {%- endfor -%}
{% endmacro %}
