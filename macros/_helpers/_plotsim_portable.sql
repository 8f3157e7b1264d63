{# SQL that differs between engines, one dispatched macro per construct, each with its engine forms
   side by side: default__ is DuckDB's, then postgres__ and spark__ where that engine spells it
   differently (an engine without its own form runs the default). #}

{# The hour of the week of a timestamp, 0 (Monday 00:00) .. 167, as an integer. #}
{% macro _plotsim_hour_of_week(timestamp) %}
  {{ return(adapter.dispatch('_plotsim_hour_of_week', 'plotsim_dbt')(timestamp)) }}
{% endmacro %}

{% macro default___plotsim_hour_of_week(timestamp) -%}
(isodow({{ timestamp }}) - 1) * 24 + hour({{ timestamp }})
{%- endmacro %}

{% macro postgres___plotsim_hour_of_week(timestamp) -%}
cast((extract(isodow from {{ timestamp }}) - 1) * 24 + extract(hour from {{ timestamp }}) as integer)
{%- endmacro %}

{# Spark has no isodow; weekday() is 0 on Monday. #}
{% macro spark___plotsim_hour_of_week(timestamp) -%}
weekday({{ timestamp }}) * 24 + hour({{ timestamp }})
{%- endmacro %}

{# The name of the 8-byte floating-point type. #}
{% macro _plotsim_type_double() %}
  {{ return(adapter.dispatch('_plotsim_type_double', 'plotsim_dbt')()) }}
{% endmacro %}

{% macro default___plotsim_type_double() -%}
double
{%- endmacro %}

{% macro postgres___plotsim_type_double() -%}
double precision
{%- endmacro %}

{# The type to cast a value to for comparing it as text (dbt.type_string() is TEXT, which Spark
   does not know). #}
{% macro _plotsim_type_text() %}
  {{ return(adapter.dispatch('_plotsim_type_text', 'plotsim_dbt')()) }}
{% endmacro %}

{% macro default___plotsim_type_text() -%}
varchar
{%- endmacro %}

{# Spark's varchar needs a length. #}
{% macro spark___plotsim_type_text() -%}
string
{%- endmacro %}

{# Aggregate: the non-null `value` of the row with the largest `order_by`. #}
{% macro _plotsim_last_value(value, order_by) %}
  {{ return(adapter.dispatch('_plotsim_last_value', 'plotsim_dbt')(value, order_by)) }}
{% endmacro %}

{% macro default___plotsim_last_value(value, order_by) -%}
arg_max({{ value }}, {{ order_by }}) filter (where {{ value }} is not null)
{%- endmacro %}

{% macro postgres___plotsim_last_value(value, order_by) -%}
(array_agg({{ value }} order by {{ order_by }} desc) filter (where {{ value }} is not null))[1]
{%- endmacro %}

{% macro spark___plotsim_last_value(value, order_by) -%}
max_by({{ value }}, {{ order_by }}) filter (where {{ value }} is not null)
{%- endmacro %}

{# The DATE of an integer YYYYMMDD date key (the warehouse's date_key) given as a SQL expression. #}
{% macro _plotsim_date_key(expression) %}
  {{ return(adapter.dispatch('_plotsim_date_key', 'plotsim_dbt')(expression)) }}
{% endmacro %}

{% macro default___plotsim_date_key(expression) -%}
make_date(({{ expression }}) // 10000, (({{ expression }}) // 100) % 100, ({{ expression }}) % 100)
{%- endmacro %}

{# PostgreSQL's / truncates integers. #}
{% macro postgres___plotsim_date_key(expression) -%}
make_date(cast(({{ expression }}) / 10000 as integer), cast((({{ expression }}) / 100) % 100 as integer), cast(({{ expression }}) % 100 as integer))
{%- endmacro %}

{% macro spark___plotsim_date_key(expression) -%}
make_date(cast(({{ expression }}) div 10000 as int), cast((({{ expression }}) div 100) % 100 as int), cast(({{ expression }}) % 100 as int))
{%- endmacro %}

{# Whether the whole of `value` matches the regular expression `pattern`. #}
{% macro _plotsim_full_match(value, pattern) %}
  {{ return(adapter.dispatch('_plotsim_full_match', 'plotsim_dbt')(value, pattern)) }}
{% endmacro %}

{% macro default___plotsim_full_match(value, pattern) -%}
regexp_full_match({{ value }}, {{ pattern }})
{%- endmacro %}

{% macro postgres___plotsim_full_match(value, pattern) -%}
{{ value }} ~ ('^(?:' || {{ pattern }} || ')$')
{%- endmacro %}

{% macro spark___plotsim_full_match(value, pattern) -%}
{{ value }} rlike concat('^(?:', {{ pattern }}, ')$')
{%- endmacro %}
