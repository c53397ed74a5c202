"""How many LSH band keys real copies share: the evidence for ``verify.min_bands``.

Two long texts (more than ``verify.short_doc_words`` content words) are verified only when they
share ``min_bands`` band keys (candidates/lsh.py ``enough_bands``). This prints, for the
labelled ECB+ pairs of eval/data/ecbplus_copy_pairs.jsonl (texts rebuilt from ECB+ by
eval/ecbplus.py) that the verdict calls copies, how many band keys each shares, split by
whether one side is short, and the same for the user's seed pair 000/001 when
../shared/seeds is there. For the copies with a short side it prints how many share fewer than 2
band keys and whether the short-document path finds them by their shingles: the evidence that
``verify.short_doc_bands = 2`` loses none of the labelled short copies.

It then chooses ``verify.min_pair_containment``, the shingle containment an LSH pair needs to
be verified (candidates/overlap.py ``enough_overlap``), on real text only: on the odd ECB+
topics, the largest multiple of 0.05 at most two thirds of the least containment of a pair
the verdict calls a copy (any labelled relation but quotes_only and independent: a margin of
a third for copies that overlap less than any labelled one); and reports on the even topics,
which the choice never saw, what the floor keeps of their copies, with the seeds' rewrite
pair. Last, over every LSH candidate pair of the whole ECB+ corpus (982 articles, default
settings), how many pairs the floor drops and whether the verdict calls any of those a copy.

    python eval/candidate_bands.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from copy_pairs import LABELS, RELATIONS
from ecbplus import DEFAULT_ECB, read_ecb

from newsdedup import Article, Config
from newsdedup.candidates.contained import contained_pairs
from newsdedup.candidates.lsh import candidate_pairs
from newsdedup.clean.pipeline import clean_article, per_article
from newsdedup.fingerprint.batch import Fingerprints, fingerprint_articles
from newsdedup.ids import tiebreak
from newsdedup.relate.kind import judge
from newsdedup.relate.verify import SCORE_COLUMNS, score_pairs

#: labelled relations that are not copies: their containment says nothing about the floor
NOT_COPIES = ("quotes_only", "independent")

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def pair_containment(fp: Fingerprints, pairs: np.ndarray) -> np.ndarray:
    """Each pair's shingle containment: verification's own column, with no alignment."""
    scores = score_pairs(fp, pairs, size=2, min_containment=2.0)
    return scores[:, SCORE_COLUMNS.index("containment")]


def main() -> None:
    import json

    config = Config().override({"verify.min_bands": "1"})  # see every pair the verdict takes
    rows = [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]
    articles = read_ecb(DEFAULT_ECB)
    at = {a.id: i for i, a in enumerate(articles)}
    fp = fingerprint_articles([Article(id=a.id, text=a.text) for a in articles], config)
    pairs = np.array([[at[r["a"]], at[r["b"]]] for r in rows], np.int64)
    _, codes = judge(fp, pairs, config)
    shared = (fp.keys[pairs[:, 0]] == fp.keys[pairs[:, 1]]).sum(axis=1)
    words = fp.n_content[pairs]
    short = words.min(axis=1) <= config.verify.short_doc_words
    print("ECB+ labelled pairs the verdict calls copies: band keys shared (of 128)")
    print("| relation | pairs | called copies | one side short | both long: bands shared |")
    print("|---|---|---|---|---|")
    least = []
    for rel in RELATIONS:
        m = np.array([r["relation"] == rel for r in rows])
        called = m & (codes > 0)
        long_shared = sorted(shared[called & ~short].tolist())
        least += long_shared if rel not in ("quotes_only", "independent") else []
        print(f"| {rel} | {m.sum()} | {called.sum()} | {(called & short).sum()} | {long_shared} |")
    print(f"fewest bands shared by a long copy (any labelled copy relation): {min(least)}")
    short_path(fp, pairs, shared, short & copy_relation(rows) & (codes > 0), config)
    seeds = sorted(SEEDS.glob("00[01]_*")) if SEEDS.is_dir() else []
    if len(seeds) == 2:
        texts = [
            clean_article(Article(id=p.stem, text=p.read_text()), config=per_article(config.clean))
            for p in seeds
        ]
        sfp = fingerprint_articles(texts, config)
        print(
            "seeds 000/001 (a machine-rewritten copy): content words",
            sfp.n_content.tolist(),
            "bands shared",
            int((sfp.keys[0] == sfp.keys[1]).sum()),
            "shingle containment",
            round(float(pair_containment(sfp, np.array([[0, 1]]))[0]), 3),
        )
    else:
        print(f"seeds not found at {SEEDS}: skipped")
    copies = copy_relation(rows) & (codes > 0)
    odd = np.array([int(r["a"].split("_")[0]) % 2 == 1 for r in rows])
    containment = pair_containment(fp, pairs)
    floor = choose_floor(containment[copies & odd])
    print(f"\nshingle containment floor chosen on the odd topics: {floor:.2f}")
    print("| half | copies called | least containment | 1st percentile | under the floor |")
    print("|---|---|---|---|---|")
    for name, half in (("odd (tuning)", odd), ("even (held out)", ~odd)):
        c = containment[copies & half]
        print(
            f"| {name} | {len(c)} | {c.min():.3f} | {np.quantile(c, 0.01):.3f} "
            f"| {int((c < floor).sum())} |"
        )
    corpus_pairs(fp, [a.topic for a in articles], config, floor)


def copy_relation(rows: list[dict[str, str]]) -> np.ndarray:
    """Which labelled pairs hold a copy relation (any but ``NOT_COPIES``)."""
    return np.array([r["relation"] not in NOT_COPIES for r in rows])


def short_path(
    fp, pairs: np.ndarray, shared: np.ndarray, copies: np.ndarray, config: Config
) -> None:  # type: ignore[no-untyped-def]
    """The evidence for ``verify.short_doc_bands``: of the labelled copies with a short side,
    how many share fewer than 2 band keys, and whether the short-document path
    (candidates/contained.py, default settings) finds them without the bands."""
    n = len(fp)
    found, _ = contained_pairs(
        fp.sets,
        fp.set_offsets,
        np.diff(fp.set_offsets) > 0,
        short_words=fp.n_content <= config.verify.short_doc_words,
        max_bucket=config.verify.short_doc_max_bucket,
        min_containment=config.verify.min_candidate_containment,
    )
    codes = set((found[:, 0] * n + found[:, 1]).tolist())
    lo, hi = pairs.min(axis=1), pairs.max(axis=1)
    by_path = np.array([a * n + b in codes for a, b in zip(lo.tolist(), hi.tolist(), strict=True)])
    few = copies & (shared < 2)
    print(
        f"copies with a short side: {int(copies.sum())}, found by the short-document path "
        f"{int((copies & by_path).sum())}; sharing under 2 bands {int(few.sum())}, of them "
        f"found by the path {int((few & by_path).sum())}"
    )


def choose_floor(containment: np.ndarray) -> float:
    """The largest multiple of 0.05 at most two thirds of the least containment of a copy."""
    return float(np.floor(containment.min() * 2 / 3 / 0.05) * 0.05)


def corpus_pairs(fp, topics: list[int], config: Config, floor: float) -> None:  # type: ignore[no-untyped-def]
    """What the floor drops of every LSH candidate pair of the corpus, by topic parity."""
    n = len(fp)
    pairs, _ = candidate_pairs(
        fp.keys,
        np.diff(fp.set_offsets) > 0,
        tiebreak(fp.ids),
        max_bucket=config.lsh.max_bucket,
        n_content=fp.n_content,
        min_bands=2,
        short_words=config.verify.short_doc_words,
        short_bands=config.verify.short_doc_bands,
    )
    _, codes = judge(fp, pairs, config)
    containment = pair_containment(fp, pairs)
    topic = np.asarray(topics)[pairs]
    print(f"\nevery LSH candidate pair of the {n} ECB+ articles (verify.min_bands 2)")
    print("| pairs | candidates | under the floor | of them called copies | copies kept |")
    print("|---|---|---|---|---|")
    for name, m in (
        ("within an odd topic", (topic[:, 0] == topic[:, 1]) & (topic[:, 0] % 2 == 1)),
        ("within an even topic", (topic[:, 0] == topic[:, 1]) & (topic[:, 0] % 2 == 0)),
        ("across topics", topic[:, 0] != topic[:, 1]),
    ):
        low = m & (containment < floor)
        print(
            f"| {name} | {int(m.sum())} | {int(low.sum())} | {int((low & (codes > 0)).sum())} "
            f"| {int((m & ~low & (codes > 0)).sum())} |"
        )


if __name__ == "__main__":
    main()
