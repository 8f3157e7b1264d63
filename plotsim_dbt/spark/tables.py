"""What Spark needs of one generated table, without pyspark: whether it is built per key block or
once on the driver, its Arrow schema, and the Arrow batches of a list of key blocks.

A job carries the config (pickled) and the seed, not the plan: a plan grows with the entities,
so each Python worker resolves it once from the config and keeps it."""

from __future__ import annotations

import math
import os
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import pyarrow as pa

from ..api import generate_arrow
from ..config import Config, ConfigError, create_from_yaml
from ..engine.block import build_block
from ..engine.runners import default_block_size
from ..engine.streams import KEY_BLOCK
from ..plan.resolve import Plan, resolve_plan
from ..templates import config_source
from ..truth import TRUTH

Source = Config | Plan | str | os.PathLike


@lru_cache(maxsize=4)
def _plan(config: bytes, seed: int) -> Plan:
    return resolve_plan(pickle.loads(config), seed)


@dataclass(frozen=True)
class TableJob:
    config: bytes  # the pickled Config
    seed: int
    table: str

    @classmethod
    def of(cls, source: Source, table: str, seed: int | None = None) -> TableJob:
        """A job for ``table`` of a Config, a Plan, or a config file path or template name."""
        if isinstance(source, Plan):
            config, seed = source.config, source.seed if seed is None else seed
        elif isinstance(source, Config):
            config = source
        else:
            config = create_from_yaml(config_source(source))
        job = cls(pickle.dumps(config), config.seed if seed is None else int(seed), table)
        known = [*job.plan.tables, *TRUTH]
        if table not in known:
            raise ConfigError("table", f"no table named {table!r}; tables: {', '.join(known)}")
        return job

    @property
    def plan(self) -> Plan:
        return _plan(self.config, self.seed)

    @property
    def per_block(self) -> bool:
        """Built block by block on the executors (facts, events, entity dimensions, per-block truth);
        otherwise made once on the driver (dim_date, reference dimensions, per-run truth)."""
        if self.table in TRUTH:
            return TRUTH[self.table].per_block is not None
        return self.plan.tables[self.table].per_entity

    @property
    def schema(self) -> pa.Schema:
        return TRUTH[self.table].schema if self.table in TRUTH else self.plan.tables[self.table].schema

    @property
    def key_blocks(self) -> int:
        return math.ceil(self.plan.entity_count / KEY_BLOCK)

    @property
    def default_partitions(self) -> int:
        """As many partitions as the local engine has blocks (about a million fact rows each)."""
        return math.ceil(self.key_blocks / (default_block_size(self.plan) // KEY_BLOCK))

    def driver_table(self) -> pa.Table:
        """The whole table, for one made once per run. truth_run counts every table's rows, so it
        runs every block here."""
        return generate_arrow(self.plan, tables=[self.table])[0][self.table]

    def batches(self, key_blocks: Iterable[int]) -> Iterator[pa.RecordBatch]:
        """The rows of these key blocks, one batch per block, exactly as a local run makes them."""
        plan = self.plan
        for block in key_blocks:
            start = int(block) * KEY_BLOCK
            yield build_block(plan, start, min(start + KEY_BLOCK, plan.entity_count), [self.table])[self.table]

    def map_blocks(self, blocks: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """For ``mapInArrow`` over a DataFrame of key block numbers (its first column)."""
        for numbers in blocks:
            yield from self.batches(numbers.column(0).to_pylist())


def split_blocks(key_blocks: int, partitions: int) -> list[range]:
    """Key blocks 0..key_blocks-1 in ``partitions`` contiguous runs of nearly equal length (none empty)."""
    if partitions < 1:
        raise ConfigError("partitions", f"must be a positive whole number, got {partitions}")
    parts = min(partitions, key_blocks)
    bounds = [key_blocks * i // parts for i in range(parts + 1)]
    return [range(a, b) for a, b in zip(bounds, bounds[1:])]
