"""Passage alignment speed: ``newsdedup.relate.passages.align`` against difflib.SequenceMatcher.

Pairs: the seeds 000/001 (a machine rewrite), generated rewrite pairs of about 1,000 words from
``newsdedup.synth``, and a 100,000-word pair (generated articles concatenated, then some
paragraphs reworded and some shuffled). The peer is difflib.SequenceMatcher over the same word
lists (``get_matching_blocks``), run in a child process so it can be stopped at ``--cap`` s.

    python benchmarks/bench_align.py --runs 30 --cap 60
"""

from __future__ import annotations

import argparse
import difflib
import multiprocessing as mp
import random
import statistics
import time
from pathlib import Path

from newsdedup.relate.passages import align, tokenize
from newsdedup.synth import generate_corpus

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _median_ms(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def _difflib(a: str, b: str) -> None:
    sm = difflib.SequenceMatcher(None, tokenize(a).norm, tokenize(b).norm, autojunk=False)
    sm.get_matching_blocks()


def _capped(a: str, b: str, cap: float) -> float | None:
    """Seconds difflib took on one pair, or None when it ran past ``cap``."""
    proc = mp.get_context("fork").Process(target=_difflib, args=(a, b))
    t = time.perf_counter()
    proc.start()
    proc.join(cap)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None
    return time.perf_counter() - t


def _rewrite_pairs(n: int) -> list[tuple[str, str]]:
    corpus = generate_corpus(600, seed=11, words=1000, copy_rate=0.5, kinds={"rewrite": 1.0})
    by_id = {a.id: a for a in corpus.articles}
    pairs = [(by_id[t.id].text, by_id[t.parent].text) for t in corpus.truth if t.edit == "rewrite"]
    return pairs[:n]


def _big_pair(words: int) -> tuple[str, str]:
    corpus = generate_corpus(words // 450, seed=5, words=500, copy_rate=0.0)
    rng = random.Random(1)
    paras = [p for a in corpus.articles for p in a.text.split("\n") if p.strip()]
    a = "\n\n".join(paras)
    b_paras = list(paras)
    for k in range(0, len(b_paras) - 8, 40):  # shuffle a few runs of paragraphs
        chunk = b_paras[k : k + 8]
        rng.shuffle(chunk)
        b_paras[k : k + 8] = chunk
    b_paras = [_reword(p, rng) if rng.random() < 0.3 else p for p in b_paras]
    return a, "\n\n".join(b_paras)


def _reword(paragraph: str, rng: random.Random) -> str:
    return " ".join(w if rng.random() < 0.7 else w[::-1] for w in paragraph.split())


def _row(name: str, a: str, b: str, ms: float, peer: str) -> None:
    words = len(tokenize(a)) + len(tokenize(b))
    print(
        f"{name:<28} {words:>8,} words  align {ms:>9.2f} ms  "
        f"{words / ms * 1000:>12,.0f} words/s  {peer}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per small pair")
    parser.add_argument("--cap", type=float, default=60.0, help="difflib time cap at 100k (s)")
    parser.add_argument("--big", type=int, default=100_000, help="words per text of the big pair")
    args = parser.parse_args()
    small = []
    if SEEDS.is_dir():
        a, b = (next(SEEDS.glob(f"{k}_*.txt")).read_text(encoding="utf-8") for k in ("000", "001"))
        small.append(("seeds 000/001", a, b))
    small += [(f"synth rewrite #{k}", a, b) for k, (a, b) in enumerate(_rewrite_pairs(5))]
    for name, a, b in small:
        ms = _median_ms(lambda a=a, b=b: align(a, b), args.runs)
        peer = _median_ms(lambda a=a, b=b: _difflib(a, b), args.runs)
        _row(name, a, b, ms, f"difflib {peer:.2f} ms")
    a, b = _big_pair(args.big)
    t = time.perf_counter()
    result = align(a, b)
    ms = (time.perf_counter() - t) * 1000
    peer_s = _capped(a, b, args.cap)
    peer = (
        f"difflib gave up after {args.cap:.0f} s" if peer_s is None else f"difflib {peer_s:.1f} s"
    )
    _row(f"big pair ({len(result.passages)} passages)", a, b, ms, peer)
    print(
        f"  coverage {result.coverage_a:.3f} / {result.coverage_b:.3f}, "
        f"changes {len(result.changes)}"
    )


if __name__ == "__main__":
    main()
