{# A column name as a quoted identifier, so names such as `order` or `group` work. A name that
   dbt has quoted already (a column with `quote: true`) is returned as it is. #}
{% macro _plotsim_quote(name) %}
  {%- set quoted = adapter.quote(name) -%}
  {{ return(name if name.startswith(quoted[0]) else quoted) }}
{% endmacro %}

{# The bare column name, quotes removed, to compare with the names the truth tables record. #}
{% macro _plotsim_name(name) %}
  {{ return(name.strip(adapter.quote('x')[0])) }}
{% endmacro %}
