{# The DATE of an integer YYYYMMDD date key (the warehouse's date_key) given as a SQL expression. #}
{% macro _plotsim_date_key(expression) %}
  {{ return(adapter.dispatch('_plotsim_date_key', 'plotsim_dbt')(expression)) }}
{% endmacro %}

{% macro default___plotsim_date_key(expression) -%}
make_date(({{ expression }}) // 10000, (({{ expression }}) // 100) % 100, ({{ expression }}) % 100)
{%- endmacro %}
