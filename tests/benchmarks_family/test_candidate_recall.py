"""benchmarks/bench_dedup.py: the candidates stage's recall of planted copies, taken from a real
run's candidate pairs and scored against the truth."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from tests.scripts import load_script

from newsdedup.synth import write_corpus_jsonl

bench_dedup = load_script("benchmarks/bench_dedup.py", "bench_dedup")


def test_candidate_recall_counts_pairs_and_exact_heads(tmp_path: Path) -> None:
    ids = ["o1", "c1", "o2", "c2", "c3", "o3", "c4"]
    heads = np.array([0, 1, 2, 2, 4, 5, 6])  # c2 is an exact copy of o2: one head
    pairs = np.array([[0, 1], [4, 5]])  # o1-c1 found; c3 paired with the wrong original
    path = tmp_path / "c.npz"
    np.savez(path, ids=np.array(ids), heads=heads, pairs=pairs)
    cluster = {"o1": "o1", "c1": "o1", "o2": "o2", "c2": "o2", "c3": "o2", "o3": "o3", "c4": "o3"}
    kind = {d: "original" for d in ("o1", "o2", "o3")}
    kind |= {"c1": "rewrite", "c2": "exact", "c3": "rewrite", "c4": "near"}
    got = bench_dedup.candidate_recall(path, cluster, kind)
    assert got == {
        "candidate_recall_rewrite": 0.5,
        "candidate_recall_exact": 1.0,
        "candidate_recall_near": 0.0,
        "candidate_recall": 0.5,
    }


def test_run_newsdedup_keeps_the_candidates_of_its_run(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    truth = tmp_path / "truth.jsonl"
    write_corpus_jsonl(corpus, 300, seed=3, truth_path=truth, words=150)
    out = tmp_path / "groups.jsonl"
    bench_dedup.run_newsdedup(corpus, out, 5, 0.5)
    bench_dedup._write_candidates(out)
    cluster, kind = bench_dedup._truth(truth)
    got = bench_dedup.candidate_recall(bench_dedup.candidates_path(out), cluster, kind)
    planted = sum(1 for doc, original in cluster.items() if doc != original)
    assert planted > 30
    assert got["candidate_recall"] > 0.9  # the generator's copies are found as candidates
    assert set(got) >= {f"candidate_recall_{k}" for k in set(kind.values()) - {"original"}}
