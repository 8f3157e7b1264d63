-- Rebuild the version history from the change log.
--
-- truth_scd_events has one row per tier change: the company, the period it happened in
-- (date_key), the old and new label and the old and new dim_row_id. It has no row for a
-- company's first version, because nothing changed then. So the history is:
--   * the first version of every company: it starts at the first period of the window and its
--     label is the old_label of the company's first change; a company that never changed has
--     a single version, the one still current in dim_company;
--   * one version per change, starting on the date of the period the change happened in.
-- Each version then ends where the company's next one starts: lead(valid_from) over the
-- company's versions in date order. The last version has no next one, so valid_to is NULL (the
-- open end) and it is the current version.
--
-- The result must equal dim_company's history: the scd2_matches_truth test in
-- _scd_practice.yml compares it with truth_scd_versions version by version.
with changes as (
    select
        e.entity_id as company_id,
        e.period_index,
        e.old_label,
        e.new_label,
        e.old_dim_row_id,
        e.new_dim_row_id,
        dd.date as change_date
    from {{ ref('truth_scd_events') }} as e
    join {{ ref('dim_date') }} as dd
        on dd.date_key = e.date_key
    where e.dim_table = 'dim_company'
),

first_changes as (
    select *
    from (
        select
            changes.*,
            row_number() over (partition by company_id order by period_index) as change_number
        from changes
    ) as numbered
    where change_number = 1
),

first_versions as (
    select
        c.company_id,
        coalesce(fc.old_dim_row_id, c.dim_row_id) as dim_row_id,
        coalesce(fc.old_label, c.plan_tier) as plan_tier,
        (select min(date) from {{ ref('dim_date') }}) as valid_from
    from {{ ref('dim_company') }} as c
    left join first_changes as fc
        on fc.company_id = c.company_id
    where c.is_current
),

later_versions as (
    select
        company_id,
        new_dim_row_id as dim_row_id,
        new_label as plan_tier,
        change_date as valid_from
    from changes
),

versions as (
    select * from first_versions
    union all
    select * from later_versions
)

select
    company_id,
    dim_row_id,
    plan_tier,
    valid_from,
    lead(valid_from) over (partition by company_id order by valid_from) as valid_to,
    lead(valid_from) over (partition by company_id order by valid_from) is null as is_current
from versions
