"""Star-schema throughput: the bundled saas template (SCD2 dimension, users, three facts, login
events placed by the weekly calendar, churn events, a bridge, realistic names) scaled to more
companies. Prints rows per second over all tables, the share of fact rows, and peak memory.

Run ``python bench/bench_star.py [--scale 10 100]``; each scale runs in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def measure(scale: int) -> dict:
    from plotsim_dbt import create, load_template
    from plotsim_dbt.api import generate_arrow

    base = load_template("saas")
    data = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["segments"] = [{**s, "count": s["count"] * scale} for s in data["segments"]]
    config = create(**data)
    start = time.perf_counter()
    tables, _ = generate_arrow(config)
    seconds = time.perf_counter() - start
    rows = {name: t.num_rows for name, t in tables.items()}
    return {
        "companies": config.entity_count,
        "seconds": seconds,
        "rows": sum(rows.values()),
        "fact_rows": sum(rows[f] for f in config.fact_tables),
        "event_rows": sum(rows[e.name] for e in config.schema.events),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", nargs="+", type=int, default=[10, 100], help="multiples of the template's 600 companies")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    print(f"{'companies':>10} {'rows':>12} {'fact rows':>11} {'event rows':>11} {'seconds':>8} {'rows/s':>11} {'peak MB':>8}")
    for scale in args.scale:
        out = subprocess.run([sys.executable, __file__, "--child", str(scale)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['companies']:>10,} {r['rows']:>12,} {r['fact_rows']:>11,} {r['event_rows']:>11,} "
              f"{r['seconds']:>8.2f} {r['rows'] / r['seconds']:>11,.0f} {r['rss_mb']:>8,.0f}")


if __name__ == "__main__":
    main()
