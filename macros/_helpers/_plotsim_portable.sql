{# SQL that differs between engines, one dispatched macro per construct; the default is DuckDB's.
   Adapters override them under macros/<adapter>/. #}

{# The hour of the week of a timestamp, 0 (Monday 00:00) .. 167, as an integer. #}
{% macro _plotsim_hour_of_week(timestamp) %}
  {{ return(adapter.dispatch('_plotsim_hour_of_week', 'plotsim_dbt')(timestamp)) }}
{% endmacro %}

{% macro default___plotsim_hour_of_week(timestamp) -%}
(isodow({{ timestamp }}) - 1) * 24 + hour({{ timestamp }})
{%- endmacro %}

{# The name of the 8-byte floating-point type. #}
{% macro _plotsim_type_double() %}
  {{ return(adapter.dispatch('_plotsim_type_double', 'plotsim_dbt')()) }}
{% endmacro %}

{% macro default___plotsim_type_double() -%}
double
{%- endmacro %}

{# Aggregate: the non-null `value` of the row with the largest `order_by`. #}
{% macro _plotsim_last_value(value, order_by) %}
  {{ return(adapter.dispatch('_plotsim_last_value', 'plotsim_dbt')(value, order_by)) }}
{% endmacro %}

{% macro default___plotsim_last_value(value, order_by) -%}
arg_max({{ value }}, {{ order_by }}) filter (where {{ value }} is not null)
{%- endmacro %}

{# Whether the whole of `value` matches the regular expression `pattern`. #}
{% macro _plotsim_full_match(value, pattern) %}
  {{ return(adapter.dispatch('_plotsim_full_match', 'plotsim_dbt')(value, pattern)) }}
{% endmacro %}

{% macro default___plotsim_full_match(value, pattern) -%}
regexp_full_match({{ value }}, {{ pattern }})
{%- endmacro %}
