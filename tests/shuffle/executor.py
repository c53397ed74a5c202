"""A test-only executor: runs a keyed step as a cluster would, in process and without Java.

Rows are hash-partitioned by their key columns (as Spark's ``repartition(keys)`` sends whole
keys to one partition), each partition's rows are shuffled and cut into record batches of
random sizes (as ``mapInArrow`` hands them over), and the partitions run in a random order.
A step that is a true keyed reduction gives the same rows whatever the seed; one that leans on
input order or on seeing the whole data at once does not.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence

import numpy as np
import pyarrow as pa
import xxhash

Step = Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]


def run_keyed(
    step: Step, table: pa.Table, keys: Sequence[str], *, partitions: int, seed: int
) -> pa.Table:
    """``step`` over ``table`` hash-partitioned by ``keys`` (every row of one key in one
    partition), rows shuffled within a partition, partitions run in a random order."""
    rng = random.Random(seed)
    salt = rng.getrandbits(32)
    columns = [table[k].to_pylist() for k in keys]
    part = np.fromiter(
        (
            xxhash.xxh3_64_intdigest(repr((salt, *row)).encode()) % partitions
            for row in zip(*columns, strict=True)
        ),
        np.int64,
        table.num_rows,
    )
    return _run(step, table, [np.flatnonzero(part == p) for p in range(partitions)], rng)


def run_map(step: Step, table: pa.Table, *, partitions: int, seed: int) -> pa.Table:
    """``step`` over ``table`` split anyhow (a per-row map needs no key)."""
    rng = random.Random(seed)
    part = np.array([rng.randrange(partitions) for _ in range(table.num_rows)], np.int64)
    return _run(step, table, [np.flatnonzero(part == p) for p in range(partitions)], rng)


def _run(step: Step, table: pa.Table, parts: list[np.ndarray], rng: random.Random) -> pa.Table:
    rng.shuffle(parts)
    out: list[pa.RecordBatch] = []
    for rows in parts:
        rows = rows.copy()
        rng.shuffle(rows)  # type: ignore[arg-type]
        out.extend(step(iter(_batches(table.take(pa.array(rows, pa.int64())), rng))))
    return pa.Table.from_batches(out) if out else pa.table({})


def _batches(table: pa.Table, rng: random.Random) -> Iterator[pa.RecordBatch]:
    at = 0
    while at < table.num_rows:
        size = rng.randint(1, max(1, table.num_rows // 2))
        yield from table.slice(at, size).to_batches()
        at += size
