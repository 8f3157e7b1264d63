{# The ground-truth table a test compares with: the explicit argument; else, when the project sets
   the var `plotsim_source` (a warehouse loaded by `plotsim-dbt load`, read through sources), that
   source's table; else ref() of the name in a var (so a project can rename its truth models), else
   of the default name. #}
{% macro _plotsim_truth(argument, default_name) %}
  {%- if argument is not none -%}
    {{ return(argument) }}
  {%- endif -%}
  {%- if var('plotsim_source', none) is not none -%}
    {{ return(source(var('plotsim_source'), default_name)) }}
  {%- endif -%}
  {{ return(ref(var('plotsim_' ~ default_name, default_name))) }}
{% endmacro %}
