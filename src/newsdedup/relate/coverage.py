"""The two coverage measures of a pair of articles: one definition, one name and one text each,
shared by ``newsdedup diff`` (terminal, ``--json``, ``--html``) and the service's pages.

* **passage coverage**: the share of each text's words inside the passages of the word-level
  alignment (``relate.passages.align``; rewording inside a passage is tolerated). It answers
  "how much of this text was reused", and is what the side-by-side views show row by row.
* **aligned bigram coverage**: the share of each text's content-word bigrams inside one in-order
  alignment of the two (``Scores.coverage_a``/``coverage_b``, relate/verify.py), the figure the
  engine and ``newsdedup compare`` decide copies by. It is lower than passage coverage on a
  rewrite: a replaced word breaks two bigrams but not the passage around it.

Both are measured on the **cleaned** text: the article after per-article cleaning
(``clean.pipeline.per_article``: boilerplate lines such as ads, captions and read-more lists
removed), which is what the engine fingerprints and the living index stores, so the figures of
``diff``, ``compare``, the copies table and the article page agree for the same pair.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsdedup.config import Config
from newsdedup.types import Article, Scores

__all__ = [
    "ALIGNED_TEXT",
    "BIGRAM_COVERAGE",
    "BIGRAM_COVERAGE_HELP",
    "PASSAGE_COVERAGE",
    "PASSAGE_COVERAGE_HELP",
    "bigram_scores",
    "cleaned",
    "pair_scores",
]

#: The name of the word-level passage alignment's share of each text.
PASSAGE_COVERAGE = "passage coverage"
#: The name of the engine's in-order content-word bigram coverage (``Scores.coverage_*``).
BIGRAM_COVERAGE = "aligned bigram coverage"
#: Which text both are measured on, as the views state it.
ALIGNED_TEXT = "the cleaned text (boilerplate lines such as ads and read-more lists removed)"
PASSAGE_COVERAGE_HELP = (
    "share of the text's words inside aligned passages (word-level alignment; rewording "
    "inside a passage is tolerated)"
)
BIGRAM_COVERAGE_HELP = (
    "share of the text's content-word bigrams inside one in-order alignment of the two: the "
    "figure the engine and newsdedup compare decide copies by"
)


def cleaned(article: Article, config: Config | None = None) -> Article:
    """``article`` cleaned as the engine and the index clean it before comparing (the text as
    given stays in ``raw``, the removed lines in ``removed``)."""
    from newsdedup.clean.pipeline import clean_article, per_article

    config = config or Config()
    return clean_article(article, config=per_article(config.clean))


def bigram_scores(
    first: Article, others: Sequence[Article], config: Config | None = None
) -> list[Scores]:
    """The engine's figures of ``first`` (as ``a``) against each of ``others`` (as ``b``), by
    the engine's own fingerprints and scorer (``newsdedup compare`` runs the same). The texts
    are taken as given: pass cleaned articles (``cleaned``, or the index's stored text)."""
    pairs = [(0, n) for n in range(1, len(others) + 1)]
    return pair_scores([first, *others], pairs, config)


def pair_scores(
    articles: Sequence[Article], pairs: Sequence[tuple[int, int]], config: Config | None = None
) -> list[Scores]:
    """``bigram_scores`` for any pairs (i, j) of positions in ``articles``, i as ``a``: one
    fingerprinting pass for all of them."""
    import numpy as np

    from newsdedup.fingerprint.batch import fingerprint_articles
    from newsdedup.relate.verify import SCORE_COLUMNS, score_pairs

    if not pairs:
        return []
    config = config or Config()
    fp = fingerprint_articles(list(articles), config)
    rows = score_pairs(
        fp,
        np.array(pairs, dtype=np.int64).reshape(-1, 2),
        size=config.shingle.size,
        min_containment=0.0,
    )
    return [
        Scores(**{name: float(v) for name, v in zip(SCORE_COLUMNS, row, strict=True)})
        for row in rows
    ]
