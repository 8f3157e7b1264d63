"""``output``: where and how a run is written: the format, its directory and options (SQL dialect,
Parquet partitions, denormalised wide tables)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from .base import Frozen


class Output(Frozen):
    format: Literal["csv", "parquet", "jsonl", "sql", "duckdb"] = Field(
        "csv", description="csv, parquet or jsonl (a file per table), sql (one data.sql script), or duckdb (one warehouse.duckdb)."
    )
    directory: str = "output"
    sql_dialect: Literal["postgresql", "mysql", "sqlite"] = Field(
        "postgresql", description="sql format: the dialect of data.sql (identifier quoting, string escapes, column types)."
    )
    denormalized: bool = Field(
        False,
        description="Also write <fact>_wide per fact: its rows with every referenced dimension's "
        "columns (the SCD2 version in force at the row's date) as <dimension>__<column>.",
    )
    partition_by: str | None = Field(
        None, description="parquet format: a column; every table holding it is written as hive-style folders <table>/<column>=<value>/."
    )

    @model_validator(mode="before")
    @classmethod
    def _word(cls, data: Any) -> Any:
        return {"format": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _format_options(self) -> Output:
        if self.sql_dialect != "postgresql" and self.format != "sql":
            raise ValueError(f"sql_dialect applies to format sql, not {self.format}; set format: sql or remove it")
        if self.partition_by is not None and self.format != "parquet":
            raise ValueError(f"partition_by writes Parquet folders, not {self.format}; set format: parquet or remove it")
        return self
