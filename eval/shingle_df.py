"""An experiment for issue 18's open item: drop the shingles found in more than ``max_df``
documents before MinHash, and see what that does to the LSH pairs and to the copies found.

Both arms compute MinHash here from the documents' 32-bit shingle set values (the engine hashes
the 64-bit shingle hashes), so the arms differ only in the pruning; ``max_df=0`` prunes nothing.
Candidates are then made exactly as the engine makes them (``candidate_pairs`` with the default
band rule and containment floor). Not a setting of the engine: evidence for its design
(docs/benchmarks.md, "Learned shingle frequencies: an experiment").

    python eval/shingle_df.py ecb 5 10 20 50         # ECB+: labelled copies that stay candidates
    python benchmarks/corpora.py zipf-1.3 real        # the family corpora, once
    python eval/shingle_df.py zipf-1.3 200 1000       # planted copies that stay candidates
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import numba as nb
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))
sys.path.insert(0, str(ROOT / "src"))

from newsdedup import Article, Config  # noqa: E402
from newsdedup.engine.local import banded_pairs  # noqa: E402
from newsdedup.fingerprint.batch import Fingerprints, fingerprint_articles  # noqa: E402
from newsdedup.fingerprint.kernels import band_keys  # noqa: E402
from newsdedup.fingerprint.minhash import permutations  # noqa: E402


@nb.njit(parallel=True)
def minhash_sets(sets, offsets, keep, a, b):  # type: ignore[no-untyped-def]
    """MinHash of each document's kept set values."""
    n = offsets.size - 1
    sig = np.full((n, a.size), np.uint32(0xFFFFFFFF), np.uint32)
    for d in nb.prange(n):
        for j in range(a.size):
            m = np.uint32(0xFFFFFFFF)
            for i in range(offsets[d], offsets[d + 1]):
                if keep[i]:
                    x = np.uint64(sets[i]) * np.uint64(0x9E3779B97F4A7C15)
                    m = min(m, np.uint32((a[j] * x + b[j]) >> np.uint64(32)))
            sig[d, j] = m
    return sig


def arms(fp: Fingerprints, config: Config, max_dfs: list[int]) -> dict[int, Any]:
    """Per ``max_df``: the candidate pairs, the LSH report and the share of set entries dropped."""
    _, inverse, df = np.unique(fp.sets, return_inverse=True, return_counts=True)
    dfs = df[inverse]
    a, b = permutations(config.minhash.num_perm, config.minhash.seed)
    out = {}
    for max_df in max_dfs:
        keep = dfs <= max_df if max_df else np.ones(len(fp.sets), np.bool_)
        keys = band_keys(minhash_sets(fp.sets, fp.set_offsets, keep, a, b), 128, 2)
        pairs, report = banded_pairs(fp, keys, np.diff(fp.set_offsets) > 0, config)
        out[max_df] = (pairs, report, float(1 - keep.mean()))
    return out


def _found(want: np.ndarray, pairs: np.ndarray, n: int) -> int:
    wanted = set((want[:, 0] * n + want[:, 1]).tolist())
    return len(wanted & set((pairs[:, 0] * n + pairs[:, 1]).tolist()))


def family(kind: str, max_dfs: list[int]) -> None:
    path = ROOT / "bench-data" / "family" / f"family-{kind}-20000-0.jsonl"
    with path.open() as f:
        rows = [json.loads(line) for line in f]
    with path.with_name(path.name.replace(".jsonl", ".truth.jsonl")).open() as f:
        truth = [json.loads(line) for line in f]
    config = Config()
    fp = fingerprint_articles([Article(id=r["id"], text=r["text"]) for r in rows], config)
    at = {doc: k for k, doc in enumerate(fp.ids)}
    copies = [t for t in truth if t["parent"] and t["kind"] != "exact"]
    planted = [[at[t["id"]], at[t["parent"]]] for t in copies]
    want = np.sort(np.array(planted, np.int64), axis=1)
    for max_df, (pairs, r, dropped) in arms(fp, config, max_dfs).items():
        print(
            f"{kind} max_df={max_df} ({dropped:.1%} of set entries dropped): raw {r.raw_pairs:,}"
            f" thin {r.thin:,} low {r.low_overlap:,} candidates {len(pairs):,}"
            f" ({len(pairs) / len(fp):.2f}/doc); planted non-exact copy-parent pairs among them"
            f" {_found(want, pairs, len(fp))}/{len(want)}"
        )


def ecb(max_dfs: list[int]) -> None:
    from copy_pairs import LABELS
    from ecbplus import DEFAULT_ECB, read_ecb

    from newsdedup.relate.kind import judge

    config = Config()
    rows = [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]
    articles = read_ecb(DEFAULT_ECB)
    at = {a.id: i for i, a in enumerate(articles)}
    fp = fingerprint_articles([Article(id=a.id, text=a.text) for a in articles], config)
    pairs = np.array([[at[r["a"]], at[r["b"]]] for r in rows], np.int64)
    _, codes = judge(fp, pairs, Config().override({"verify.min_bands": "1"}))
    copies = np.array([r["relation"] not in ("quotes_only", "independent") for r in rows])
    want = np.sort(pairs[copies & (codes > 0)], axis=1)
    for max_df, (got, r, dropped) in arms(fp, config, max_dfs).items():
        print(
            f"ECB+ max_df={max_df} ({dropped:.1%} dropped): raw {r.raw_pairs:,}"
            f" candidates {len(got):,}; labelled copies among them"
            f" {_found(want, got, len(fp))}/{len(want)}"
        )


if __name__ == "__main__":
    start = time.perf_counter()
    which, limits = sys.argv[1], [0] + [int(x) for x in sys.argv[2:]]
    ecb(limits) if which == "ecb" else family(which, limits)
    print(f"{time.perf_counter() - start:.1f} s")
