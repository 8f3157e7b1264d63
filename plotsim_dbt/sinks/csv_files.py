"""One CSV file per table (header row, pyarrow's CSV writer)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.csv as pacsv

from .directory import DirectorySink


class CsvSink(DirectorySink):
    format = "csv"
    extension = "csv"
    reader = "read_csv_auto"

    def __init__(self, directory):
        super().__init__(directory)
        self._writers: dict[str, pacsv.CSVWriter] = {}

    def _write(self, table: str, data: pa.RecordBatch | pa.Table) -> None:
        writer = self._writers.get(table)
        if writer is None:
            writer = self._writers[table] = pacsv.CSVWriter(str(self.path(table)), data.schema)
        writer.write(data)

    def close_tables(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()


def write_file(table: pa.Table, path) -> None:
    """One table as one CSV file, as the sink writes it."""
    pacsv.write_csv(table, str(path))
