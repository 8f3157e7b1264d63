"""Star-schema throughput: a bundled template (saas by default: SCD2 dimension, users, three facts,
login events placed by the weekly calendar, churn events, a bridge, realistic names) scaled to more
entities. Prints rows per second over all tables (planning included), the share of fact rows,
the planning time and peak memory.

Run ``python bench/bench_star.py [--template saas] [--scale 10 100]``; each scale runs in a fresh
process.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def measure(template: str, scale: float) -> dict:
    from plotsim_dbt import create, load_template
    from plotsim_dbt.api import generate_arrow
    from plotsim_dbt.plan.resolve import resolve_plan

    base = load_template(template)
    data = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["segments"] = [{**s, "count": max(1, round(s["count"] * scale))} for s in data["segments"]]
    config = create(**data)
    start = time.perf_counter()
    plan = resolve_plan(config)  # a fixed cost (the correlation planner) that dominates small runs
    planned = time.perf_counter()
    tables, _ = generate_arrow(plan)
    seconds = time.perf_counter() - start
    rows = {name: t.num_rows for name, t in tables.items()}
    return {
        "entities": config.entity_count,
        "seconds": seconds,
        "plan_seconds": planned - start,
        "rows": sum(rows.values()),
        "fact_rows": sum(rows[f] for f in config.fact_tables),
        "event_rows": sum(rows[e.name] for e in config.schema.events),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure_fresh(template: str, scale: float) -> dict:
    """``measure`` in a fresh interpreter, so peak memory and imports are the run's own."""
    out = subprocess.run([sys.executable, __file__, "--child", template, str(scale)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", default="saas")
    parser.add_argument("--scale", nargs="+", type=float, default=[10, 100], help="multiples of the template's segment counts")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], float(args.child[1]))))
        return
    print(f"{'entities':>10} {'rows':>12} {'fact rows':>11} {'event rows':>11} {'seconds':>8} {'plan s':>7} {'rows/s':>11} {'peak MB':>8}")
    for scale in args.scale:
        r = measure_fresh(args.template, scale)
        print(
            f"{r['entities']:>10,} {r['rows']:>12,} {r['fact_rows']:>11,} {r['event_rows']:>11,} "
            f"{r['seconds']:>8.2f} {r['plan_seconds']:>7.2f} {r['rows'] / r['seconds']:>11,.0f} {r['rss_mb']:>8,.0f}"
        )


if __name__ == "__main__":
    main()
