"""Measure the opt-in reuse phenomena on one corpus (not a test: prints the ranges).

    python3 tests/synth/measure_reuse.py [--articles 2000] [--seed 1]

Each new kind gets a quarter of the copies (rewrite, the closest old kind, is the yardstick),
30% of the originals share quotes. Figures are word 3-grams after truth.normalize; copies are
measured against their source (the original they were made from directly).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter

from test_synth_reuse import _QUOTED, _WORD, _refigured, _respelt

from newsdedup.synth import containment, generate_corpus, jaccard, word_ngrams

_MIX = {"rewrite": 0.25, "condensed": 0.25, "house": 0.25, "repost": 0.25}


def _spread(values: list[float]) -> str:
    v = sorted(values)
    at = [v[round(q * (len(v) - 1))] for q in (0.0, 0.05, 0.5, 0.95, 1.0)]
    return "min {:.3f}  p5 {:.3f}  median {:.3f}  p95 {:.3f}  max {:.3f}".format(*at)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    corpus = generate_corpus(
        args.articles, seed=args.seed, copy_rate=0.4, kinds=_MIX, shared_quotes=0.3
    )
    texts = {a.id: a.text for a in corpus.articles}
    grams = {i: word_ngrams(t, 3) for i, t in texts.items()}
    truth = corpus.by_id()
    print(f"{args.articles} articles, seed {args.seed}: {Counter(t.kind for t in corpus.truth)}")

    for kind in ("condensed", "house", "rewrite"):
        direct = [t for t in corpus.truth if t.edit == kind and t.parent == t.cluster]
        inside = [containment(grams[t.id], grams[t.cluster]) for t in direct]
        similar = [jaccard(grams[t.id], grams[t.cluster]) for t in direct]
        words = [float(len(texts[t.id].split())) for t in direct]
        print(f"\n{kind}: {len(direct)} made straight from their original")
        print(f"  3-gram containment in source  {_spread(inside)}")
        print(f"  3-gram Jaccard with source    {_spread(similar)}")
        print(f"  words                         {_spread(words)}")
        if kind == "house":
            figures = [_refigured(texts[t.id], texts[t.cluster]) for t in direct]
            spelling = [_respelt(texts[t.id], texts[t.cluster]) for t in direct]
            both = sum(f and s for f, s in zip(figures, spelling, strict=True))
            titled = sum(bool(re.search(r"\b(?:Mr|Ms|Dr)\. [A-Z]", texts[t.id])) for t in direct)
            n = len(direct)
            print(
                f"  figure format changed {sum(figures) / n:.1%}, spelling changed "
                f"{sum(spelling) / n:.1%}, both {both / n:.1%}, honorifics added {titled / n:.1%}"
            )

    reposts = [t for t in corpus.truth if t.kind == "repost"]
    families = Counter(t.cluster for t in reposts)
    sizes = [float(n + 1) for n in families.values()]
    chained = sum(truth[t.parent or ""].kind == "repost" for t in reposts)
    kept = [containment(grams[t.parent or ""], grams[t.id]) for t in reposts]
    vs_release = [jaccard(grams[t.id], grams[t.cluster]) for t in reposts]
    no_block = sum("Media contact:" not in texts[t.id] for t in reposts)
    print(f"\nrepost: {len(reposts)} reposts of {len(families)} press releases")
    print(f"  family size (release + reposts) {_spread(sizes)}")
    print(f"  made from another repost {chained / len(reposts):.1%}, "
          f"without the About/contact block {no_block / len(reposts):.1%}")  # fmt: skip
    print(f"  parent's 3-grams kept          {_spread(kept)}")
    print(f"  3-gram Jaccard with release    {_spread(vs_release)}")

    pairs = sorted(corpus.shared_quote_pairs())
    quoting = sum(t.quotes is not None for t in corpus.truth)
    originals = sum(t.kind == "original" for t in corpus.truth)
    coverage, narration, similar, common = [], [], [], []
    for a, b in pairs:
        coverage += [containment(grams[a], grams[b]), containment(grams[b], grams[a])]
        similar.append(jaccard(grams[a], grams[b]))
        told = [word_ngrams(_QUOTED.sub(" ", texts[x]), 3) for x in (a, b)]
        narration.append(max(containment(told[0], told[1]), containment(told[1], told[0])))
        passages = [{" ".join(_WORD.findall(q)) for q in _QUOTED.findall(texts[x])} for x in (a, b)]
        common.append(float(sum(len(p.split()) >= 30 for p in passages[0] & passages[1])))
    others = [
        max(containment(grams[a], grams[b]), containment(grams[b], grams[a]))
        for a, b in sorted(corpus.same_story_pairs() - set(pairs))
        if truth[a].kind == truth[b].kind == "original"
    ]
    print(f"\nshared quotes: {quoting} of {originals} originals quote, {len(pairs)} pairs")
    print(f"  3-gram coverage, each way      {_spread(coverage)}")
    print(f"  3-gram Jaccard                 {_spread(similar)}")
    print(f"  coverage without the quotes    {_spread(narration)}")
    print(f"  verbatim passages >= 30 words  {_spread(common)}")
    print(f"  other same-story original pairs, coverage {_spread(others)}")


if __name__ == "__main__":
    main()
