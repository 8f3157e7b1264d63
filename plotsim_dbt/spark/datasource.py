"""The Python data source ``plotsim``: generated tables for Spark SQL, the same rows as ``generate``.

    spark.read.format("plotsim").option("config", "saas").option("table", "fct_revenue").load()
    CREATE TEMPORARY VIEW fct_revenue USING plotsim OPTIONS (config 'saas', table 'fct_revenue')

Options: ``config`` (a config file path or template name, read on the driver), ``table``,
``seed`` (default: the config's) and ``partitions`` (default: about a million fact rows each)."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
from pyspark.sql.datasource import DataSource, DataSourceReader, InputPartition
from pyspark.sql.types import StructType

from ..config import ConfigError
from .frames import spark_schema
from .tables import TableJob, split_blocks


def _whole(option: str, text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise ConfigError(option, f"must be a whole number, got {text!r}") from None


class PlotsimDataSource(DataSource):
    @classmethod
    def name(cls) -> str:
        return "plotsim"

    def _job(self) -> TableJob:
        missing = [o for o in ("config", "table") if not self.options.get(o)]
        if missing:
            raise ConfigError(missing[0], "the plotsim data source needs options config (a file or template name) and table")
        return TableJob.of(self.options["config"], self.options["table"], _whole("seed", self.options.get("seed")))

    def schema(self) -> StructType:
        return spark_schema(self._job().schema)

    def reader(self, schema: StructType) -> PlotsimReader:
        return PlotsimReader(self._job(), _whole("partitions", self.options.get("partitions")))


class PlotsimReader(DataSourceReader):
    def __init__(self, job: TableJob, partitions: int | None):
        self.job = job
        self.wanted = partitions or job.default_partitions

    def partitions(self) -> list[InputPartition]:
        """Runs of key blocks; a table made once per run is made here, on the driver, and shipped
        as Arrow IPC bytes in a single partition."""
        if not self.job.per_block:
            sink = pa.BufferOutputStream()
            table = self.job.driver_table()
            with pa.ipc.new_stream(sink, table.schema) as writer:
                writer.write_table(table)
            return [InputPartition(sink.getvalue().to_pybytes())]
        return [InputPartition(list(run)) for run in split_blocks(self.job.key_blocks, self.wanted)]

    def read(self, partition: InputPartition) -> Iterator[pa.RecordBatch]:
        if isinstance(partition.value, bytes):
            yield from pa.ipc.open_stream(partition.value).read_all().to_batches()
        else:
            yield from self.job.batches(partition.value)
