{# Fails on every row whose text does not match the pattern of its entity's segment and of the
   band of its trajectory position in truth_trajectory (band = least(floor(p * bands), bands - 1),
   p clipped to [0, 1]), and on rows truth has no position for. `patterns` lists
   [segment, band, regular expression] (the scaffold writes them from the column's lexicons). #}
{% test narrative_matches_truth(model, column_name, entity_column, date_column, bands, patterns, truth_model=none, entities_model=none) %}
  {{ return(adapter.dispatch('test_narrative_matches_truth', 'plotsim_dbt')(model, column_name, entity_column, date_column, bands, patterns, truth_model, entities_model)) }}
{% endtest %}

{% macro default__test_narrative_matches_truth(model, column_name, entity_column, date_column, bands, patterns, truth_model, entities_model) %}
{%- set trajectory = plotsim_dbt._plotsim_truth(truth_model, 'truth_trajectory') -%}
{%- set entities = plotsim_dbt._plotsim_truth(entities_model, 'truth_entities') -%}
with rows as (
    select m.{{ plotsim_dbt._plotsim_quote(entity_column) }} as entity_id, m.{{ plotsim_dbt._plotsim_quote(date_column) }} as date_key,
           m.{{ plotsim_dbt._plotsim_quote(column_name) }} as text, e.segment,
           least(floor(greatest(least(t.position, 1), 0) * {{ bands }}), {{ bands - 1 }}) as band
    from {{ model }} as m
    left join {{ trajectory }} as t
      on t.entity_id = m.{{ plotsim_dbt._plotsim_quote(entity_column) }} and t.date_key = m.{{ plotsim_dbt._plotsim_quote(date_column) }}
    left join {{ entities }} as e on e.entity_id = m.{{ plotsim_dbt._plotsim_quote(entity_column) }}
),
expected as (
    select *, case
        {%- for segment, band, pattern in patterns %}
        when segment = '{{ segment | replace("'", "''") }}' and band = {{ band }} then '{{ pattern | replace("'", "''") }}'
        {%- endfor %}
    end as pattern
    from rows
)
select entity_id, date_key, text, segment, band
from expected
where text is not null and (pattern is null or not {{ plotsim_dbt._plotsim_full_match('text', 'pattern') }})
{% endmacro %}
