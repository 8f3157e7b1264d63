"""Rows/s of ``plotsim-dbt load`` into PostgreSQL beside the raw rate of loading the same Arrow
tables with ADBC bulk ingest and with psycopg COPY (CSV), and of generating them alone.

Run ``python bench/postgres_load.py [--scale 10] [--repeats 2] [--url postgresql://...]``. The
warehouse is the saas template with every segment count multiplied by ``--scale``. Without
``--url`` a throwaway cluster is started (as the tests do) and removed afterwards. Each figure
is the best of ``--repeats`` runs. No test asserts on these timings. The COPY figure needs
psycopg (``pip install "psycopg[binary]"``).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv


def saas(scale: int):
    from plotsim_dbt import create, load_template
    from plotsim_dbt.plan.resolve import resolve_plan

    data = load_template("saas").model_dump(mode="json", by_alias=True, exclude_none=True)
    data["segments"] = [{**s, "count": s["count"] * scale} for s in data["segments"]]
    return resolve_plan(create(**data))


def generate(plan) -> dict[str, pa.Table]:
    from plotsim_dbt.dbt.runtime import FEATURES_MODEL
    from plotsim_dbt.pipeline import Views, generate_into
    from plotsim_dbt.sinks import MemorySink

    sink = MemorySink()
    generate_into(plan, sink, views=Views(features=FEATURES_MODEL))
    sink.commit()
    return sink.tables


def raw_adbc(url: str, tables: dict[str, pa.Table]) -> None:
    """The same tables through the sink: created with its column types, ingested by ADBC."""
    from plotsim_dbt.sinks.postgres import PostgresSink

    with PostgresSink(url, "bench_adbc") as sink:
        for name, table in tables.items():
            sink.write(name, table)


def raw_copy(url: str, tables: dict[str, pa.Table]) -> None:
    """The same tables as CSV through psycopg's COPY, into tables of the same column types."""
    import psycopg

    from plotsim_dbt.sinks.postgres import column_type
    from plotsim_dbt.sql import ident

    with psycopg.connect(url) as con:
        con.execute("drop schema if exists bench_copy cascade")
        con.execute("create schema bench_copy")
        for name, table in tables.items():
            columns = ", ".join(f"{ident(f.name)} {column_type(f.type)[0]}" for f in table.schema)
            con.execute(f"create table bench_copy.{ident(name)} ({columns})")
            with con.cursor().copy(f"copy bench_copy.{ident(name)} from stdin (format csv)") as copy:
                for batch in table.to_batches(max_chunksize=65_536):
                    buffer = io.BytesIO()
                    pacsv.write_csv(pa.table(batch), buffer, pacsv.WriteOptions(include_header=False))
                    copy.write(buffer.getvalue())


def best(repeats: int, run) -> float:
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    return min(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10, help="multiple of the template's companies (default 10)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--url", help="a PostgreSQL to load into (default: a throwaway cluster)")
    args = parser.parse_args()
    from plotsim_dbt.load.postgres import load

    cluster = None
    if args.url is None:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration"))
        from pg_cluster import start_cluster

        cluster = start_cluster()
    url = args.url or cluster.url
    try:
        plan = saas(args.scale)
        tables = generate(plan)
        rows = sum(t.num_rows for t in tables.values())
        figures = {
            "generate only (MemorySink)": best(args.repeats, lambda: generate(plan)),
            "load (generate + ADBC ingest)": best(args.repeats, lambda: load(plan, url, "bench_load")),
            "raw ADBC ingest": best(args.repeats, lambda: raw_adbc(url, tables)),
            "raw psycopg COPY (CSV)": best(args.repeats, lambda: raw_copy(url, tables)),
        }
    finally:
        if cluster is not None:
            cluster.stop()
    print(f"saas x{args.scale}: {plan.entity_count:,} companies, {len(tables)} tables, {rows:,} rows")
    print(f"{'':32} {'seconds':>8} {'rows/s':>11} {'vs raw ADBC':>12}")
    adbc = figures["raw ADBC ingest"]
    for what, seconds in figures.items():
        print(f"{what:32} {seconds:>8.2f} {rows / seconds:>11,.0f} {adbc / seconds:>11.2f}x")


if __name__ == "__main__":
    main()
