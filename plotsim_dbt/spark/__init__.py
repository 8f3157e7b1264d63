"""Generated tables on Spark: ``generate`` (a DataFrame built with ``mapInArrow`` over key blocks)
and the Python data source ``plotsim`` for Spark SQL. Rows equal a local run's at any partition
count. Needs the ``spark`` extra (pyspark 4); pyspark is imported only when used. See docs/spark.md."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .frames import generate

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def register(spark: SparkSession) -> None:
    """Make ``spark.read.format("plotsim")`` and ``USING plotsim`` available in this session."""
    from .datasource import PlotsimDataSource

    spark.dataSource.register(PlotsimDataSource)


__all__ = ["generate", "register"]
