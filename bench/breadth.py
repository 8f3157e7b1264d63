"""Breadth throughput: the retail template (variable, child and sibling facts, narrative text, geo
over four locales, struct and array columns) beside saas, both scaled to about the same warehouse
size. Prints rows per second of each and their ratio to the first, with planning (a fixed cost of
the correlation planner, large at this size) and without it (the engine alone).

Run ``python bench/breadth.py [--rows 75000] [--templates saas retail] [--repeats 3]``. Each
template is first generated at its bundled size to find the factor on its segment counts that
gives about ``--rows`` rows over its declared tables; then each measurement runs in a fresh process
(``bench_star.measure``) and the best of ``--repeats`` is kept.
"""

from __future__ import annotations

import argparse

from bench_star import measure_fresh


def at_size(template: str, rows: float, repeats: int) -> dict:
    """The fastest of ``repeats`` runs of ``template`` scaled to about ``rows`` rows."""
    scale = rows / measure_fresh(template, 1)["rows"]
    return min((measure_fresh(template, scale) for _ in range(repeats)), key=lambda r: r["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=float, default=75_000, help="target rows over each template's declared tables")
    parser.add_argument("--templates", nargs="+", default=["saas", "retail"], help="the first is the baseline of the ratio")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    results = {t: at_size(t, args.rows, args.repeats) for t in args.templates}
    base = results[args.templates[0]]
    header = f"{'template':>10} {'entities':>9} {'rows':>9} {'fact rows':>10} {'seconds':>8} {'plan s':>7} {'rows/s':>9} {'ratio':>6}"
    print(f"{header} {'engine rows/s':>14} {'ratio':>6} {'peak MB':>8}")
    for name, r in results.items():
        ratio = (r["rows"] / r["seconds"]) / (base["rows"] / base["seconds"])
        engine = r["rows"] / (r["seconds"] - r["plan_seconds"])
        engine_ratio = engine / (base["rows"] / (base["seconds"] - base["plan_seconds"]))
        print(
            f"{name:>10} {r['entities']:>9,} {r['rows']:>9,} {r['fact_rows']:>10,} {r['seconds']:>8.2f} {r['plan_seconds']:>7.2f} "
            f"{r['rows'] / r['seconds']:>9,.0f} {ratio:>6.2f} {engine:>14,.0f} {engine_ratio:>6.2f} {r['rss_mb']:>8,.0f}"
        )


if __name__ == "__main__":
    main()
