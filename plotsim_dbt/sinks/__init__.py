"""Where batches go: files in a directory (CSV or Parquet), written atomically."""

from .files import DatasetWriter, FORMATS

__all__ = ["DatasetWriter", "FORMATS"]
