{# PostgreSQL spellings of the constructs the generic tests dispatch (see macros/_helpers). #}

{% macro postgres___plotsim_date_key(expression) -%}
make_date(cast(({{ expression }}) / 10000 as integer), cast((({{ expression }}) / 100) % 100 as integer), cast(({{ expression }}) % 100 as integer))
{%- endmacro %}

{% macro postgres___plotsim_hour_of_week(timestamp) -%}
cast((extract(isodow from {{ timestamp }}) - 1) * 24 + extract(hour from {{ timestamp }}) as integer)
{%- endmacro %}

{% macro postgres___plotsim_type_double() -%}
double precision
{%- endmacro %}

{% macro postgres___plotsim_last_value(value, order_by) -%}
(array_agg({{ value }} order by {{ order_by }} desc) filter (where {{ value }} is not null))[1]
{%- endmacro %}

{% macro postgres___plotsim_full_match(value, pattern) -%}
{{ value }} ~ ('^(?:' || {{ pattern }} || ')$')
{%- endmacro %}
