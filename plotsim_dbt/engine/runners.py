"""Runners map the one block function over ranges of entities and hand the results back in entity
order: serially, or on worker processes. Output does not depend on the runner, the number of
workers or the block size (a multiple of the 1,024-entity key block)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Collection, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice

import pyarrow as pa

from ..plan.resolve import Plan
from .block import build_block
from .streams import KEY_BLOCK

TARGET_ROWS_PER_BLOCK = 1_000_000

Result = dict[str, pa.RecordBatch]


def default_block_size(plan: Plan) -> int:
    return max(1, TARGET_ROWS_PER_BLOCK // (plan.periods * KEY_BLOCK)) * KEY_BLOCK


def block_ranges(entity_count: int, block_size: int) -> list[tuple[int, int]]:
    if block_size <= 0 or block_size % KEY_BLOCK:
        raise ValueError(f"block_size must be a positive multiple of {KEY_BLOCK} entities, got {block_size}")
    return [(s, min(s + block_size, entity_count)) for s in range(0, entity_count, block_size)]


class SerialRunner:
    def map(self, plan: Plan, ranges: list[tuple[int, int]], names: Collection[str] | None = None) -> Iterator[Result]:
        for start, stop in ranges:
            yield build_block(plan, start, stop, names)


_worker: tuple[Plan, Collection[str] | None] | None = None


def _init_worker(plan: Plan, names: Collection[str] | None) -> None:
    global _worker
    _worker = (plan, names)
    # Ctrl-C reaches every process of the terminal's group: the parent reports it in one line and
    # stops the pool, so a worker ignores it rather than print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, daemon=True).start()


def _exit_with_parent() -> None:
    """A worker outlives nothing: when the parent dies, even by SIGKILL, its sentinel (a pipe only
    the parent can write to) closes, and the worker exits instead of waiting forever for blocks."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()
        os._exit(1)


def _run_block(bounds: tuple[int, int]) -> Result:
    plan, names = _worker
    return build_block(plan, *bounds, names)


class ProcessRunner:
    """Blocks on ``workers`` processes; the plan is sent to each worker once. At most two blocks per
    worker are in flight, so memory stays bounded when writing is slower than generating."""

    def __init__(self, workers: int):
        self.workers = workers

    def map(self, plan: Plan, ranges: list[tuple[int, int]], names: Collection[str] | None = None) -> Iterator[Result]:
        todo = iter(ranges)
        pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker, initargs=(plan, names))
        try:
            pending = deque(pool.submit(_run_block, r) for r in islice(todo, 2 * self.workers))
            while pending:
                result = pending.popleft().result()
                following = next(todo, None)
                if following is not None:
                    pending.append(pool.submit(_run_block, following))
                yield result
        except BaseException:
            # Interrupted or failed: drop the queued blocks instead of finishing them first.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)


def runner_for(workers: int, blocks: int) -> SerialRunner | ProcessRunner:
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    return SerialRunner() if workers == 1 or blocks <= 1 else ProcessRunner(min(workers, blocks))
