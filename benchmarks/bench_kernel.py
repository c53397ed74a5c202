"""CPU time of the fingerprint kernel an article, on one thread: the texts' bytes made for it
(``_kernel_input``: UTF-8, capitals folded) and the kernel itself (``fingerprint_batch``) with
each signature length asked for and each MinHash scheme (``minhash.scheme``: "oph", one hash
a shingle, and "kperm", one a shingle and position), best of ``--runs``.

    python benchmarks/bench_kernel.py bench-data/c30k.jsonl --docs 20000 --perms 1 256

The kernel runs on one numba thread (``NUMBA_NUM_THREADS=1`` is set before numba loads), so
the figures are CPU per article whatever the machine's cores. ``--digest`` prints an MD5 of the
signatures, to check that a change to the kernel keeps its output.
"""

from __future__ import annotations

import os

os.environ["NUMBA_NUM_THREADS"] = "1"

import argparse
import hashlib
import itertools
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import orjson

from newsdedup.config import Config
from newsdedup.fingerprint.batch import _kernel_input
from newsdedup.fingerprint.kernels import fingerprint_batch
from newsdedup.fingerprint.minhash import densification, permutations, stopword_table

_BATCH = 2048  #: documents a kernel call, as run.batch_size


def _best(runs: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("corpus", type=Path, help="a JSONL file with a 'text' field")
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--perms", type=int, nargs="+", default=[1, 64, 128, 256])
    ap.add_argument("--schemes", nargs="+", default=["oph", "kperm"], choices=["oph", "kperm"])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--digest", action="store_true", help="print an MD5 of the signatures")
    args = ap.parse_args()
    config = Config()
    with args.corpus.open("rb") as fh:
        texts = [orjson.loads(line)["text"] for line in itertools.islice(fh, args.docs)]
    n = len(texts)
    batches = [texts[lo : lo + _BATCH] for lo in range(0, n, _BATCH)]
    inputs = [_kernel_input(b, config.normalize) for b in batches]
    seconds = _best(args.runs, lambda: [_kernel_input(b, config.normalize) for b in batches])
    print(f"{n} articles; kernel input (UTF-8, folded): {seconds / n * 1e6:.1f} us an article")
    stop = stopword_table(config.shingle.stopwords)
    norm = config.normalize
    size = config.shingle.size
    for num_perm, scheme in itertools.product(args.perms, args.schemes):
        a, b = permutations(num_perm, config.minhash.seed)
        ranks = densification(num_perm, config.minhash.seed, scheme)

        def run(a: np.ndarray = a, b: np.ndarray = b, r: np.ndarray = ranks) -> list[np.ndarray]:
            # the kernel folds ASCII case in place: each run gets fresh copies
            return [
                fingerprint_batch(
                    buf.copy(), off, stop, size, a, b, r,
                    norm.casefold, norm.collapse_whitespace, norm.unify_punctuation,
                )[-1]
                for buf, off in inputs
            ]  # fmt: skip

        signatures = run()  # the first call also loads the compiled code
        seconds = _best(args.runs, run)
        line = f"kernel, {num_perm} positions, {scheme}: {seconds / n * 1e6:.1f} us an article"
        if args.digest:
            digest = hashlib.md5(b"".join(s.tobytes() for s in signatures)).hexdigest()
            line += f" (signatures {digest[:8]})"
        print(line)


if __name__ == "__main__":
    main()
