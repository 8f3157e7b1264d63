{# SQL that differs between engines, one dispatched macro each; the engine overrides live in
   macros/<engine>/ (Spark: macros/spark/_plotsim_sql.sql). #}

{# The type to cast a label to for comparing it as text. #}
{% macro _plotsim_text_type() %}
  {{ return(adapter.dispatch('_plotsim_text_type', 'plotsim_dbt')()) }}
{% endmacro %}

{% macro default___plotsim_text_type() -%}
varchar
{%- endmacro %}

{# The hour-of-week slot of a timestamp: (ISO day of week - 1) * 24 + hour, 0 (Monday 00:00) to 167. #}
{% macro _plotsim_hour_of_week(stamp) %}
  {{ return(adapter.dispatch('_plotsim_hour_of_week', 'plotsim_dbt')(stamp)) }}
{% endmacro %}

{% macro default___plotsim_hour_of_week(stamp) -%}
(isodow({{ stamp }}) - 1) * 24 + hour({{ stamp }})
{%- endmacro %}

{# The aggregate of `value` at the row with the largest `order`, among rows where value is not null. #}
{% macro _plotsim_last_value(value, order) %}
  {{ return(adapter.dispatch('_plotsim_last_value', 'plotsim_dbt')(value, order)) }}
{% endmacro %}

{% macro default___plotsim_last_value(value, order) -%}
arg_max({{ value }}, {{ order }}) filter (where {{ value }} is not null)
{%- endmacro %}
