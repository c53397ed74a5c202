"""The translation stage of the in-process engine: languages as the input streams past, then
translation pairs among the copy groups' representatives (relate/translate.py).

A corpus in one language pays for a language guess per article (tens of microseconds,
fingerprint/anchors.guess_language) and for keeping the texts in a spill; anchors and the
encoder run only when a second language shows up.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
from numpy.typing import NDArray

from newsdedup.config import TranslateConfig
from newsdedup.group.copies import Assignment
from newsdedup.group.translations import Translations, translate_groups
from newsdedup.relate.translate import Encoder, article_features, language_of
from newsdedup.spill import Spill
from newsdedup.types import Article

__all__ = ["TranslationSide", "Translations"]  # Translations: group/translations.py


class TranslationSide:
    """Watches the article stream for the translation stage; use as a context manager."""

    def __init__(self, config: TranslateConfig, encode: Encoder | None = None) -> None:
        self.config = config
        self.encode = encode  #: None: the multilingual encoder (tests may pass another)
        self._spill: Spill[tuple[str, str, str | None]] = Spill()
        self._lang: dict[str, str] = {}

    def __enter__(self) -> TranslationSide:
        return self

    def __exit__(self, *exc: object) -> None:
        self._spill.__exit__(*exc)

    def tee(self, articles: Iterable[Article]) -> Iterator[Article]:
        """The articles, each one's language noted and its text spilled as it passes (the text
        and title only: a cleaned article's raw text and removals would double the spill)."""
        for article in articles:
            self._spill.add((article.id, article.text, article.title))
            self._lang.setdefault(article.id, language_of(article))
            yield article

    def join(
        self, ids: list[str], rank: NDArray[np.int64], assignment: Assignment
    ) -> tuple[Assignment, Translations]:
        """The assignment with translated groups merged, and what was found."""
        langs = [self._lang.get(i, "") for i in ids]
        if Translations(langs=langs).languages < 2:
            return assignment, Translations(langs=langs)
        reps = np.flatnonzero(assignment.center == np.arange(len(ids)))
        reps = reps[[bool(langs[d]) for d in reps.tolist()]]
        row = {ids[d]: k for k, d in enumerate(reps.tolist())}
        keys: list[NDArray[np.uint64]] = [np.empty(0, np.uint64)] * len(reps)
        leads = [""] * len(reps)
        seen: set[str] = set()
        for article_id, text, title in self._spill.take(lambda r: r[0] in row):
            if article_id in seen:
                continue  # a repeated id: the first one is the article (ids.unique_ids)
            seen.add(article_id)
            article = Article(id=article_id, text=text, title=title)
            k = row[article.id]
            _, keys[k], leads[k] = article_features(article, self.config, lang=langs[reps[k]])
        return translate_groups(
            langs, reps, keys, leads, rank, assignment, self.config, encode=self.encode
        )
