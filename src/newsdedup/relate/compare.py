"""Every similarity figure of one pair, and its verdict, by the same code the engine runs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from newsdedup.config import Config
from newsdedup.fingerprint.batch import Fingerprints, fingerprint_articles
from newsdedup.relate.kind import KIND_CODES, classify
from newsdedup.relate.verify import SCORE_COLUMNS, score_pairs
from newsdedup.types import Article, Kind

__all__ = ["Comparison", "compare"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """The verdict on two articles (``kind`` is None when they are not copies) and its figures."""

    a: str
    b: str
    kind: Kind | None
    scores: dict[str, float]
    reasons: list[str]

    def as_dict(self) -> dict[str, object]:
        kind = self.kind.value if self.kind else "unrelated"
        return {
            "a": self.a,
            "b": self.b,
            "kind": kind,
            "scores": self.scores,
            "reasons": self.reasons,
        }


def _figures(fp: Fingerprints, config: Config) -> dict[str, float]:
    row = score_pairs(fp, np.array([[0, 1]]), size=config.shingle.size, min_containment=0.0)[0]
    keys_shared = int((fp.keys[0] == fp.keys[1]).sum())
    bands = fp.keys.shape[1]
    return {
        **{name: float(v) for name, v in zip(SCORE_COLUMNS, row, strict=True)},
        "words_a": float(fp.n_words[0]),
        "words_b": float(fp.n_words[1]),
        "content_words_a": float(fp.n_content[0]),
        "content_words_b": float(fp.n_content[1]),
        "lsh_bands_shared": float(keys_shared),
        "lsh_bands": float(bands),
    }


def _reasons(kind: Kind | None, s: dict[str, float], config: Config) -> list[str]:
    v = config.verify
    shorter = min(s["content_words_a"], s["content_words_b"])
    ratio = shorter / max(s["content_words_a"], s["content_words_b"], 1)
    cov_short = s["coverage_a"] if s["content_words_a"] <= s["content_words_b"] else s["coverage_b"]
    lines = [
        f"shingle Jaccard {s['jaccard']:.3f} (near copy at >= {v.near_jaccard})",
        f"in-order coverage {s['coverage_a']:.3f} of A and {s['coverage_b']:.3f} of B "
        f"(rewrite when both >= {v.rewrite_coverage})",
        f"outside the largest verbatim block: {s['coverage_a'] - s['block_a']:.3f} of A and "
        f"{s['coverage_b'] - s['block_b']:.3f} of B (rewrite when both >= {v.rewrite_dispersed}; "
        "one shared quote is not a rewrite)",
        f"shorter text is {ratio:.2f} of the longer and {cov_short:.3f} of it aligns "
        f"(excerpt when <= {v.excerpt_max_ratio} and >= {v.excerpt_coverage})",
        f"{int(s['lsh_bands_shared'])} of {int(s['lsh_bands'])} LSH bands shared "
        f"({'a candidate pair' if s['lsh_bands_shared'] else 'not a candidate pair'})",
    ]
    if kind is Kind.EXACT:
        lines.insert(0, "identical after normalisation")
    return lines


def compare(a: Article, b: Article, config: Config | None = None) -> Comparison:
    """Compare two articles with the engine's own fingerprints, scores and kind rule."""
    config = config or Config()
    fp = fingerprint_articles([a, b], config)
    s = _figures(fp, config)
    if (fp.exact[0] == fp.exact[1]).all():
        kind: Kind | None = Kind.EXACT
    else:
        row = np.array([[s[name] for name in SCORE_COLUMNS]])
        code = classify(row, fp.n_content[[0]], fp.n_content[[1]], config.verify)[0]
        kind = KIND_CODES[code]
    s["exact"] = float(kind is Kind.EXACT)
    return Comparison(
        a=a.id,
        b=b.id,
        kind=kind,
        scores={k: round(v, 4) for k, v in s.items()},
        reasons=_reasons(kind, s, config),
    )
