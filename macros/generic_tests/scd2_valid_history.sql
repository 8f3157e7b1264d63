{# Fails on every broken SCD2 history: versions of one key that overlap or leave a gap (valid_to
   must equal the next valid_from), zero-length or inverted ranges, a missing lower bound, a key
   with no current row or more than one, a current row without an open end (NULL or 9999-12-31)
   or a non-current row with one. Intervals are half-open [lower, upper). Without a current flag
   column (current_flag_column=none) the open-ended version is the current one. #}
{% test scd2_valid_history(model, partition_by, lower_bound_column='valid_from', upper_bound_column='valid_to', current_flag_column='is_current') %}
  {{ return(adapter.dispatch('test_scd2_valid_history', 'plotsim_dbt')(model, partition_by, lower_bound_column, upper_bound_column, current_flag_column)) }}
{% endtest %}

{% macro default__test_scd2_valid_history(model, partition_by, lower_bound_column, upper_bound_column, current_flag_column) %}
{%- set keys = [partition_by] if partition_by is string else partition_by -%}
{%- set quoted_keys = [] -%}
{%- for key in keys -%}{%- do quoted_keys.append(plotsim_dbt._plotsim_quote(key)) -%}{%- endfor -%}
{%- set key_list = quoted_keys | join(', ') -%}
{%- set lower, upper = plotsim_dbt._plotsim_quote(lower_bound_column), plotsim_dbt._plotsim_quote(upper_bound_column) -%}
{%- set open_end = '(' ~ upper ~ " is null or " ~ upper ~ " = date '9999-12-31')" -%}
with versions as (
    select {{ key_list }},
           {{ lower }} as lower_bound,
           {{ upper }} as upper_bound,
           {{ open_end }} as is_open,
           {{ plotsim_dbt._plotsim_quote(current_flag_column) if current_flag_column is not none else open_end }} as is_current,
           lead({{ lower }}) over (
               partition by {{ key_list }} order by {{ lower }}, {{ upper }}
           ) as next_lower_bound
    from {{ model }}
),
row_violations as (
    select {{ key_list }}, lower_bound, upper_bound,
           case
               when lower_bound is null then 'missing lower bound'
               when upper_bound is not null and upper_bound <= lower_bound then 'zero-length or inverted range'
               when next_lower_bound is not null and (is_open or next_lower_bound < upper_bound) then 'overlaps the next version'
               when next_lower_bound is not null and next_lower_bound > upper_bound then 'gap before the next version'
           end as violation
    from versions
    union all
    select {{ key_list }}, lower_bound, upper_bound,
           case
               when is_current is null then 'missing current flag'
               when is_current and not is_open then 'current version without an open end'
               when not is_current and is_open then 'non-current version with an open end'
           end as violation
    from versions
),
key_violations as (
    select {{ key_list }}, min(lower_bound) as lower_bound, max(upper_bound) as upper_bound,
           count(case when is_current then 1 end) || ' current versions (expected 1)' as violation
    from versions
    group by {{ key_list }}
    having count(case when is_current then 1 end) != 1
)
select {{ key_list }}, lower_bound, upper_bound, violation from row_violations where violation is not null
union all
select {{ key_list }}, lower_bound, upper_bound, violation from key_violations
{% endmacro %}
