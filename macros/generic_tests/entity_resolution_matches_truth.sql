{# Checks a user's entity-resolution model (one row per source row: source, source key and the
   matched entity id or cluster id; NULL: matched to nothing) against truth_entity_resolution.
   Two rows are matched when they share a match id; truly matched when they stand for the same
   entity. The ids themselves are never compared, so cluster ids of any type work.
   Exact (no thresholds): fails on every wrongly matched pair, every missed pair, every source row
   the model lacks and every key the truth does not know.
   With min_precision / min_recall: fails when pairwise precision or recall falls below them
   (one row with both), and on keys the truth does not know. `sources` limits the check to those
   sources (default: every source in the truth). #}
{% test entity_resolution_matches_truth(model, source_column='source', key_column='source_key', match_column='entity_id', min_precision=none, min_recall=none, sources=none, truth_model=none) %}
  {{ return(adapter.dispatch('test_entity_resolution_matches_truth', 'plotsim_dbt')(model, source_column, key_column, match_column,
                                                                                    min_precision, min_recall, sources, truth_model)) }}
{% endtest %}

{% macro default__test_entity_resolution_matches_truth(model, source_column, key_column, match_column, min_precision, min_recall,
                                                       sources, truth_model) %}
{%- set truth = plotsim_dbt._plotsim_truth(truth_model, 'truth_entity_resolution') -%}
{%- set text = dbt.type_string() -%}
{%- set quoted = [] -%}
{%- for name in (sources or []) -%}{%- do quoted.append("'" ~ (name | string | replace("'", "''")) ~ "'") -%}{%- endfor -%}
{%- set kept = none if sources is none else '(' ~ quoted | join(', ') ~ ')' -%}
with matched as (
    select cast({{ plotsim_dbt._plotsim_quote(source_column) }} as {{ text }}) as src,
           cast({{ plotsim_dbt._plotsim_quote(key_column) }} as {{ text }}) as source_key,
           cast({{ plotsim_dbt._plotsim_quote(match_column) }} as {{ text }}) as match_id
    from {{ model }}
    {% if kept is not none %}where cast({{ plotsim_dbt._plotsim_quote(source_column) }} as {{ text }}) in {{ kept }}{% endif %}
),
true_rows as (
    select cast(source as {{ text }}) as src, cast(source_key as {{ text }}) as source_key, cast(entity_id as {{ text }}) as match_id
    from {{ truth }}
    {% if kept is not none %}where source in {{ kept }}{% endif %}
),
{%- for side in ('matched', 'true_rows') %}
{{ side }}_pairs as (
    select a.src as src_a, a.source_key as key_a, b.src as src_b, b.source_key as key_b
    from {{ side }} as a
    join {{ side }} as b
      on a.match_id = b.match_id
     and (a.src < b.src or (a.src = b.src and a.source_key < b.source_key))
),
{%- endfor %}
keys as (
    select coalesce(m.src, t.src) as src, coalesce(m.source_key, t.source_key) as source_key,
           case when t.src is null then 'key not in the truth' else 'source row missing from the model' end as violation
    from matched as m
    full outer join true_rows as t on m.src = t.src and m.source_key = t.source_key
    where m.src is null or t.src is null
),
pairs as (
    select coalesce(p.src_a, t.src_a) as src_a, coalesce(p.key_a, t.key_a) as key_a,
           coalesce(p.src_b, t.src_b) as src_b, coalesce(p.key_b, t.key_b) as key_b,
           p.src_a is not null as predicted, t.src_a is not null as actual
    from matched_pairs as p
    full outer join true_rows_pairs as t
      on p.src_a = t.src_a and p.key_a = t.key_a and p.src_b = t.src_b and p.key_b = t.key_b
)
{% if min_precision is none and min_recall is none %}
select src_a as source, key_a as source_key, src_b as other_source, key_b as other_source_key,
       case when predicted then 'wrong match' else 'missed match' end as violation,
       cast(null as double precision) as pairwise_precision, cast(null as double precision) as pairwise_recall
from pairs
where predicted != actual
union all
select src, source_key, null, null, violation, null, null
from keys
{% else %}
, scores as (
    select coalesce(1.0 * sum(case when predicted and actual then 1 else 0 end) / nullif(sum(case when predicted then 1 else 0 end), 0), 1.0) as pairwise_precision,
           coalesce(1.0 * sum(case when predicted and actual then 1 else 0 end) / nullif(sum(case when actual then 1 else 0 end), 0), 1.0) as pairwise_recall
    from pairs
)
select cast(null as {{ text }}) as source, cast(null as {{ text }}) as source_key, cast(null as {{ text }}) as other_source,
       cast(null as {{ text }}) as other_source_key, 'pairwise score below its minimum' as violation, pairwise_precision, pairwise_recall
from scores
where pairwise_precision < {{ min_precision if min_precision is not none else 0 }}
   or pairwise_recall < {{ min_recall if min_recall is not none else 0 }}
union all
select src, source_key, null, null, violation, null, null
from keys
where violation = 'key not in the truth'
{% endif %}
{% endmacro %}
