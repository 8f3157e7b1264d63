"""The sink seam: where a run's tables and artifacts go. A run opens one sink, writes tables batch
by batch (a table's first write fixes its schema), writes artifacts (manifest.json, ...), then
commits; on any error it aborts and nothing of the run is left behind."""

from __future__ import annotations

from abc import ABC, abstractmethod

import pyarrow as pa


class Sink(ABC):
    holds_tables = False  # True when every row stays in memory until the end (sized against the machine)

    def __init__(self) -> None:
        self.row_counts: dict[str, int] = {}

    def write(self, table: str, data: pa.RecordBatch | pa.Table) -> None:
        """Append rows to a table, creating it on first write."""
        self._write(table, data)
        self.row_counts[table] = self.row_counts.get(table, 0) + data.num_rows

    @abstractmethod
    def _write(self, table: str, data: pa.RecordBatch | pa.Table) -> None: ...

    def write_artifact(self, name: str, text: str) -> None:  # noqa: B027  (optional: in-memory sinks keep no artifacts)
        """A text file that belongs to the run (manifest.json, config.yaml, validation_report.txt)."""

    def close_tables(self) -> None:  # noqa: B027  (optional: a sink may have nothing to flush)
        """Finish every table (flush buffers, close files); later writes start new tables."""

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def abort(self) -> None: ...

    def __enter__(self) -> Sink:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()
