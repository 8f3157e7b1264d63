{# How many standard errors a normal estimate may stray with probability at most `false_alarm_rate`,
   shared by `comparisons` (a SQL expression) checks: sqrt(2 ln(2 comparisons / rate)), from the
   tail bound P(|Z| > z) <= 2 exp(-z^2 / 2), so never below the exact quantile (4.45 for 1e-4,
   where the exact one is 3.89). Every statistical test's tolerance is this many standard errors. #}
{% macro _plotsim_z(false_alarm_rate, comparisons='1') -%}
sqrt(2 * ln(2 * ({{ comparisons }}) / {{ false_alarm_rate }}))
{%- endmacro %}
