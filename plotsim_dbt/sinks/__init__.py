"""Where batches go: files in a directory (CSV or Parquet), written atomically."""

from .files import FORMATS, DatasetWriter

__all__ = ["DatasetWriter", "FORMATS"]
