{# The ground-truth model a test compares with: the explicit argument, else ref() of the
   name in a var (so a project can rename its truth models), else the default name. #}
{% macro _plotsim_truth(argument, default_name) %}
  {%- if argument is not none -%}
    {{ return(argument) }}
  {%- endif -%}
  {{ return(ref(var('plotsim_' ~ default_name, default_name))) }}
{% endmacro %}
