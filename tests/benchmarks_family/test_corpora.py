"""benchmarks/corpora.py: the planted-copy plan and the generated files (small sizes)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import orjson
import pytest
from tests.scripts import load_script

corpora = load_script("benchmarks/corpora.py", "bench_corpora")


def test_plan_plants_clusters_after_their_original() -> None:
    slots = corpora.plan(3000, seed=5)
    assert len(slots) == 3000
    sizes = Counter(s.cluster for s in slots)
    copies = [s for s in slots if s.kind != "original"]
    assert len(copies) == 300 + 200  # 10% in small clusters, plus the viral story's copies
    assert max(sizes.values()) == 201
    assert sorted(sizes.values())[-2] <= corpora.MAX_CLUSTER
    for pos, s in enumerate(slots):
        if s.kind == "original":
            assert s.cluster == pos
        else:
            assert s.cluster < pos and slots[s.cluster].kind == "original"
    assert {s.kind for s in copies} == set(corpora.COPY_KINDS)
    assert corpora.plan(3000, seed=5) == slots


@pytest.mark.parametrize("kind", ["zipf-1.3", "cyrillic"])
def test_corpus_is_deterministic_and_truthful(tmp_path: Path, kind: str) -> None:
    paths = []
    for run in ("a", "b"):
        inp, truth = tmp_path / f"{run}.jsonl", tmp_path / f"{run}.truth.jsonl"
        corpora.write_corpus(kind, inp, truth, 400, seed=1, vocabulary=5000)
        paths.append((inp, truth))
    assert paths[0][0].read_bytes() == paths[1][0].read_bytes()
    assert paths[0][1].read_bytes() == paths[1][1].read_bytes()
    docs = [orjson.loads(x) for x in paths[0][0].read_bytes().splitlines()]
    truth = [orjson.loads(x) for x in paths[0][1].read_bytes().splitlines()]
    assert [d["id"] for d in docs] == [t["id"] for t in truth]
    assert set(docs[0]) == {"id", "text", "published"}
    text = {d["id"]: d["text"] for d in docs}
    for t in truth:
        if t["kind"] == "exact":
            assert text[t["id"]].split() == text[t["cluster"]].split()
        elif t["kind"] == "excerpt":
            assert len(text[t["id"]].split()) < len(text[t["cluster"]].split())
            first = text[t["id"]].split()[:5]
            assert " ".join(first) in " ".join(text[t["cluster"]].split())
    if kind == "cyrillic":
        assert any("\u0400" <= c <= "\u04ff" for c in docs[0]["text"])
