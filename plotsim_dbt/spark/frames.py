"""``generate``: one generated table as a Spark DataFrame, built by the executors block by block."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from .tables import Source, TableJob, split_blocks

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType


def spark_schema(schema: pa.Schema) -> StructType:
    """The Spark schema of a table's Arrow schema (timestamps without zone stay without zone)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema, prefer_timestamp_ntz=True)


def generate(spark: SparkSession, config: Source, table: str, *, seed: int | None = None, partitions: int | None = None) -> DataFrame:
    """The rows of ``table`` (a data or truth table) of a Config, a Plan, or a config file path or
    template name, as a local run makes them, at any partition count. Per-entity tables are built
    with ``mapInArrow`` over the 1,024-entity key blocks, split into ``partitions`` tasks (default:
    about a million fact rows each); tables made once per run are built on the driver."""
    job = TableJob.of(config, table, seed)
    schema = spark_schema(job.schema)
    if not job.per_block:
        return spark.createDataFrame(job.driver_table(), schema)
    runs = split_blocks(job.key_blocks, partitions or job.default_partitions)
    blocks = spark.range(0, job.key_blocks, numPartitions=len(runs))
    return blocks.mapInArrow(job.map_blocks, schema)
