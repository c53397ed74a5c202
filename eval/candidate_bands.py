"""How many LSH band keys real copies share: the evidence for ``verify.min_bands``.

Two long texts (more than ``verify.short_doc_words`` content words) are verified only when they
share ``min_bands`` band keys (candidates/lsh.py ``enough_bands``). This prints, for the
labelled ECB+ pairs of eval/data/ecbplus_copy_pairs.jsonl (texts rebuilt from ECB+ by
eval/ecbplus.py) that the verdict calls copies, how many band keys each shares, split by
whether one side is short (the short-document path finds those whatever they share), and the
same for the user's seed pair 000/001 when ../shared/seeds is there.

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
from newsdedup.clean.pipeline import clean_article, per_article
from newsdedup.fingerprint.batch import fingerprint_articles
from newsdedup.relate.kind import judge

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


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
        )
    else:
        print(f"seeds not found at {SEEDS}: skipped")


if __name__ == "__main__":
    main()
