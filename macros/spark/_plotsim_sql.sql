{# Spark SQL forms of the engine-specific helpers (dispatched from macros/_helpers/): Spark has no
   varchar without a length, no `//`, no isodow and no arg_max. #}

{% macro spark___plotsim_text_type() -%}
string
{%- endmacro %}

{% macro spark___plotsim_hour_of_week(stamp) -%}
weekday({{ stamp }}) * 24 + hour({{ stamp }})
{%- endmacro %}

{% macro spark___plotsim_last_value(value, order) -%}
max_by({{ value }}, {{ order }}) filter (where {{ value }} is not null)
{%- endmacro %}

{% macro spark___plotsim_date_key(expression) -%}
make_date(cast(({{ expression }}) div 10000 as int), cast((({{ expression }}) div 100) % 100 as int), cast(({{ expression }}) % 100 as int))
{%- endmacro %}
