"""Spark rows/s beside the local engine, with the determinism checksum of each.

Run ``python bench/spark_rows.py [--entities 20480] [--table NAME]`` (needs pyspark and Java).

One config (bench.py's 3-metric config, 12 monthly periods) generates one table (default: its
fact table) three ways: the local engine (``generate_arrow``, one process), and
``plotsim_dbt.spark.generate`` on a ``local[1]`` and a ``local[2]`` session, with one partition
per ten key blocks (at least one per core). Spark's time is a full pass that writes nothing (``write.format("noop")``),
its session start excluded and its Python workers warmed by one untimed run; the checksum is a
sha256 over the table's rows sorted (order-free), which must match the local one. No test asserts
on these timings."""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

import pyarrow as pa

from bench import make_config
from plotsim_dbt.plan.resolve import resolve_plan


def checksum(table: pa.Table) -> str:
    rows = table.sort_by([(name, "ascending") for name in table.column_names]).combine_chunks()
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, rows.schema) as writer:
        writer.write_table(rows)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()[:16]


def local(config, table: str) -> tuple[int, float, str]:
    from plotsim_dbt.api import generate_arrow

    started = time.perf_counter()
    rows = generate_arrow(config, tables=[table])[0][table]
    return rows.num_rows, time.perf_counter() - started, checksum(rows)


def on_spark(config, table: str, cores: int, partitions: int) -> tuple[int, float, str, float]:
    from pyspark.sql import SparkSession

    from plotsim_dbt.spark import generate

    started = time.perf_counter()
    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    start_seconds = time.perf_counter() - started
    try:
        generate(spark, config, table, partitions=cores).write.format("noop").mode("overwrite").save()  # warm the workers
        frame = generate(spark, config, table, partitions=partitions)
        started = time.perf_counter()
        frame.write.format("noop").mode("overwrite").save()
        seconds = time.perf_counter() - started
        rows = frame.toArrow()
        return rows.num_rows, seconds, checksum(rows), start_seconds
    finally:
        spark.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=20480)
    parser.add_argument("--table", help="a data or truth table (default: the fact table)")
    args = parser.parse_args()
    root = str(Path(__file__).resolve().parents[1])
    os.environ["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [os.environ.get("PYTHONPATH")])])
    os.environ["PYSPARK_PYTHON"] = sys.executable

    config = make_config(args.entities, 3)
    table = args.table or resolve_plan(config).fact_tables[0].name
    key_blocks = -(-args.entities // 1024)
    rows, seconds, digest = local(config, table)
    print(f"{table}: {rows:,} rows of {args.entities:,} entities ({key_blocks} key blocks)")
    print(f"{'engine':<16}{'cores':>6}{'parts':>6}{'seconds':>9}{'rows/s':>12}  checksum          same")
    print(f"{'local':<16}{1:>6}{'-':>6}{seconds:>9.2f}{rows / seconds:>12,.0f}  {digest}  -")
    for cores in (1, 2):
        partitions = max(cores, key_blocks // 10)
        spark_rows, spark_seconds, spark_digest, start = on_spark(config, table, cores, partitions)
        same = "yes" if (spark_rows, spark_digest) == (rows, digest) else "NO"
        label = f"spark local[{cores}]"
        print(
            f"{label:<16}{cores:>6}{partitions:>6}{spark_seconds:>9.2f}{spark_rows / spark_seconds:>12,.0f}  {spark_digest}  {same}"
            f"   (session start {start:.0f} s)"
        )


if __name__ == "__main__":
    main()
