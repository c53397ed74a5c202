"""What the short-document candidate path (candidates/contained.py) finds and costs.

    python benchmarks/bench_briefs.py --docs 20000 --briefs 2000

Briefs are cut from generated originals as an editor cuts a wire story: 3-5 of its sentences
in order, from its first half, 40-120 words. The run is made twice on the same corpus, with
the path off (``verify.short_doc_words=0``) and on (the default); each prints the share of
brief -> source pairs grouped, the candidate pairs and the seconds of the run.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newsdedup import Article, Config, find_copies
from newsdedup.synth import generate_corpus
from newsdedup.synth.brief import cut_brief


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--briefs", type=int, default=2000)
    args = ap.parse_args()
    corpus = generate_corpus(args.docs, seed=3, copy_rate=0.3)
    originals = [
        a for a, t in zip(corpus.articles, corpus.truth, strict=True) if t.kind == "original"
    ]
    rng = random.Random(5)
    sources = rng.sample(originals, args.briefs)
    briefs = [Article(id=f"brief-{a.id}", text=cut_brief(a.text, rng)) for a in sources]
    articles = [*corpus.articles, *briefs]
    print(f"{len(articles):,} articles: {args.docs:,} generated + {len(briefs):,} briefs")
    for label, words in (
        ("LSH only", 0),
        ("LSH + short-document path", Config().verify.short_doc_words),
    ):
        config = Config().override({"verify.short_doc_words": str(words)})
        start = time.perf_counter()
        result = find_copies(articles, config)
        seconds = time.perf_counter() - start
        group = {m.id: g.id for g in result.groups for m in g.members}
        found = sum(group[b.id] == group[a.id] for a, b in zip(sources, briefs, strict=True))
        s = result.stats
        print(
            f"{label:28s} briefs grouped with their source {found / len(briefs):.3f}  "
            f"candidate pairs {s.candidate_pairs:,} ({s.candidate_pairs / len(articles):.2f}/doc)  "
            f"short-path pairs {s.short_pairs:,}  {seconds:.1f} s"
        )


if __name__ == "__main__":
    main()
