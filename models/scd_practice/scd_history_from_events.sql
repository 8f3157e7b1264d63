-- Rebuild dim_company's version history from the change logs of the truth.
--
-- A company gets a new version whenever something it is versioned on changes:
--   * it signs up (truth_entities.start_period): its first version;
--   * its plan tier changes (truth_scd_events: one row per change, with the old and new label);
--   * its lifecycle stage changes (truth_lifecycle: one row per spell in a stage);
--   * it churns (truth_entities.end_period): a last version carrying the churned status.
-- So the versions start on the distinct dates of those events. Each version's plan tier is the
-- new label of the latest tier change on or before its start; before the first change it is that
-- change's old label, and a company that never changed keeps the tier of its current row. Each
-- version ends where the company's next one starts: lead(valid_from) over the company's versions
-- in date order; the last has no next one, so valid_to is NULL (the open end) and it is current.
--
-- The result must equal dim_company's history: the scd2_matches_truth test in
-- _scd_practice.yml compares it with truth_scd_versions version by version.
with periods as (
    select period_index, date from {{ ref('dim_date') }}
),

tier_changes as (
    select e.entity_id as company_id, p.date as change_date, e.old_label, e.new_label
    from {{ ref('truth_scd_events') }} as e
    join periods as p on p.period_index = e.period_index
    where e.dim_table = 'dim_company'
),

starts as (
    select t.entity_id as company_id, p.date as valid_from
    from {{ ref('truth_entities') }} as t
    join periods as p on p.period_index = t.start_period
    union
    select company_id, change_date from tier_changes
    union
    select l.entity_id, p.date
    from {{ ref('truth_lifecycle') }} as l
    join periods as p on p.period_index = l.from_period_index
    union
    select t.entity_id, p.date
    from {{ ref('truth_entities') }} as t
    join periods as p on p.period_index = t.end_period
),

first_tier as (
    select company_id, old_label as plan_tier
    from (
        select company_id, old_label, row_number() over (partition by company_id order by change_date) as change_number
        from tier_changes
    ) as numbered
    where change_number = 1
),

versions as (
    select
        s.company_id,
        s.valid_from,
        coalesce(
            (select c.new_label from tier_changes as c
             where c.company_id = s.company_id and c.change_date <= s.valid_from
             order by c.change_date desc limit 1),
            f.plan_tier,
            d.plan_tier
        ) as plan_tier
    from starts as s
    left join first_tier as f on f.company_id = s.company_id
    left join {{ ref('dim_company') }} as d on d.company_id = s.company_id and d.is_current
)

select
    company_id,
    plan_tier,
    valid_from,
    lead(valid_from) over (partition by company_id order by valid_from) as valid_to,
    lead(valid_from) over (partition by company_id order by valid_from) is null as is_current
from versions
