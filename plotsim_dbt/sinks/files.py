"""Stream Arrow batches into one file per table. Everything is written into a staging folder
beside the output and moved into place only when the whole dataset is complete, so a failure
never leaves a half-written dataset behind."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

FORMATS = ("csv", "parquet")


class DatasetWriter:
    def __init__(self, directory: str | Path, fmt: str = "csv"):
        if fmt not in FORMATS:
            raise ValueError(f"output.format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        self.directory = Path(directory)
        self.format = fmt
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.directory.name}.partial-", dir=self.directory.parent))
        self._writers: dict[str, object] = {}
        self.row_counts: dict[str, int] = {}

    def path(self, table: str) -> Path:
        return self.staging / f"{table}.{self.format}"

    def write(self, table: str, data: pa.RecordBatch | pa.Table) -> None:
        writer = self._writers.get(table)
        if writer is None:
            if self.format == "csv":
                writer = pacsv.CSVWriter(str(self.path(table)), data.schema)
            else:
                writer = pq.ParquetWriter(str(self.path(table)), data.schema, compression="zstd")
            self._writers[table] = writer
            self.row_counts[table] = 0
        if isinstance(data, pa.Table):
            writer.write_table(data)
        else:
            writer.write_batch(data)
        self.row_counts[table] += data.num_rows

    def write_text(self, name: str, text: str) -> None:
        (self.staging / name).write_text(text, encoding="utf-8", newline="\n")

    def close_tables(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()

    def commit(self) -> Path:
        """Move every finished file into the output directory (replacing same-named files)."""
        self.close_tables()
        self.directory.mkdir(parents=True, exist_ok=True)
        for item in sorted(self.staging.iterdir()):
            os.replace(item, self.directory / item.name)
        shutil.rmtree(self.staging, ignore_errors=True)
        return self.directory

    def abort(self) -> None:
        for writer in self._writers.values():
            try:
                writer.close()
            except Exception:  # the original error matters more than a close failure
                pass
        self._writers.clear()
        shutil.rmtree(self.staging, ignore_errors=True)

    def __enter__(self) -> DatasetWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()
