"""Making and writing the groups file of a synthetic assignment, without reading a corpus:
``--docs`` documents, a share of them copies with scores (``--copies``), each format asked
for. Run it from a checkout before 31a3acb (``PYTHONPATH=<old>/src``) and it times that
checkout's way (``api.build_groups`` then ``write_groups`` of the Group objects); from one
after, ``api.copy_table`` then ``write_groups`` of the table. ``--digest`` prints an MD5 of
each file, the same both ways.

    python benchmarks/bench_groups_write.py --docs 1000000 --formats jsonl csv parquet
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

import newsdedup.api as api
from newsdedup.relate.verify import SCORE_COLUMNS
from newsdedup.write.groups import write_groups


class _Ids(list[str]):
    """What ``copy_table`` and ``build_groups`` read of Fingerprints: ids and a length."""

    @property
    def ids(self) -> list[str]:
        return self


def synthetic_run(docs: int, copies: float, seed: int) -> SimpleNamespace:
    """A run's assignment: each copy in the group of a random representative, kinds 1-5."""
    rng = np.random.default_rng(seed)
    ids = [f"a{i:07d}" for i in rng.permutation(docs)]
    center = np.arange(docs)
    is_copy = rng.random(docs) < copies
    center[is_copy] = rng.integers(0, docs, int(is_copy.sum()))
    center = np.where(center[center] == center, center, np.arange(docs))
    member = center != np.arange(docs)
    kind = np.where(member, rng.integers(1, 6, docs), 0).astype(np.int8)
    scores = rng.random((docs, len(SCORE_COLUMNS)))
    scores[~member] = np.nan
    return SimpleNamespace(
        fingerprints=_Ids(ids),
        rank=rng.permutation(docs).astype(np.int64),
        assignment=SimpleNamespace(center=center, kind=kind, scores=scores),
        translations=None,
        tiebreak=None,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--copies", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--formats", nargs="+", default=["jsonl", "csv", "parquet"])
    parser.add_argument("--digest", action="store_true")
    args = parser.parse_args()
    run = synthetic_run(args.docs, args.copies, args.seed)
    columns = hasattr(api, "copy_table")
    with tempfile.TemporaryDirectory() as folder:
        for fmt in args.formats:
            path = Path(folder) / f"groups.{fmt}"
            start = time.perf_counter()
            made = api.copy_table(run) if columns else api.build_groups(run)  # type: ignore[arg-type]
            built = time.perf_counter()
            write_groups(made, path)
            done = time.perf_counter()
            way = "table" if columns else "Group objects"
            line = f"{fmt:8} {way}: make {built - start:.2f} s, write {done - built:.2f} s"
            if args.digest:
                line += f", md5 {hashlib.md5(path.read_bytes()).hexdigest()[:8]}"
            print(line)


if __name__ == "__main__":
    main()
