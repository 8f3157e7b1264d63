"""One CSV file per table (header row, pyarrow's CSV writer). CSV has no nested types, so struct
and list columns are written as JSON text (``{"street": "...", "number": 4}``, ``["a", "b"]``);
DuckDB reads them back with ``::JSON`` or ``from_json``."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.csv as pacsv

from ..columns.nested import as_json
from .directory import DirectorySink


class CsvSink(DirectorySink):
    format = "csv"
    extension = "csv"
    reader = "read_csv_auto"

    def __init__(self, directory):
        super().__init__(directory)
        self._writers: dict[str, pacsv.CSVWriter] = {}

    def _write(self, table: str, data: pa.RecordBatch | pa.Table) -> None:
        data = json_text(data)
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
    pacsv.write_csv(json_text(table), str(path))


def json_text(data: pa.RecordBatch | pa.Table) -> pa.RecordBatch | pa.Table:
    """``data`` with every nested (struct / list) column as JSON text."""
    nested = [i for i, f in enumerate(data.schema) if pa.types.is_nested(f.type)]
    for i in nested:
        data = data.set_column(i, pa.field(data.schema.field(i).name, pa.string()), as_json(data.column(i)))
    return data
