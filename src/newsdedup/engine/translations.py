"""The translation stage of the in-process engine: languages as the input streams past, then
translation pairs among the copy groups' representatives (relate/translate.py).

A corpus in one language pays for a language guess per article (tens of microseconds,
fingerprint/anchors.guess_language) and for keeping the texts in a spill; anchors and the
encoder run only when a second language shows up.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from numpy.typing import NDArray

from newsdedup.config import TranslateConfig
from newsdedup.fingerprint.anchors import anchor_keys, guess_language
from newsdedup.fingerprint.multilingual import encode_leads, lead
from newsdedup.group.copies import Assignment, join_translations
from newsdedup.relate.translate import Translation, translation_pairs
from newsdedup.spill import Spill
from newsdedup.types import Article

__all__ = ["TranslationSide", "Translations"]


@dataclass(frozen=True, slots=True)
class Translations:
    """What the stage found: each article's language (by index), the translation pairs, and
    for each article that joined a group as a translation, the pair that tied it in and that
    pair's article on the other side."""

    langs: list[str] = field(default_factory=list)
    pairs: tuple[Translation, ...] = ()
    via: dict[int, tuple[int, int]] = field(default_factory=dict)


class TranslationSide:
    """Watches the article stream for the translation stage; use as a context manager."""

    def __init__(self, config: TranslateConfig) -> None:
        self.config = config
        self._spill = Spill()
        self._lang: dict[str, str] = {}

    def __enter__(self) -> TranslationSide:
        return self

    def __exit__(self, *exc: object) -> None:
        self._spill.__exit__(*exc)

    def tee(self, articles: Iterable[Article]) -> Iterator[Article]:
        """The articles, each one's language noted and its text spilled as it passes."""
        for article in self._spill.tee(articles):
            self._lang.setdefault(article.id, article.lang or guess_language(article.text))
            yield article

    def join(
        self, ids: list[str], rank: NDArray[np.int64], assignment: Assignment
    ) -> tuple[Assignment, Translations]:
        """The assignment with translated groups merged, and what was found."""
        langs = [self._lang.get(i, "") for i in ids]
        if len({lg for lg in langs if lg}) < 2:
            return assignment, Translations(langs=langs)
        reps = np.flatnonzero(assignment.center == np.arange(len(ids)))
        reps = reps[[bool(langs[d]) for d in reps.tolist()]]
        row = {ids[d]: k for k, d in enumerate(reps.tolist())}
        keys: list[NDArray[np.uint64]] = [np.empty(0, np.uint64)] * len(reps)
        leads = [""] * len(reps)
        seen: set[str] = set()
        for article in self._spill.take(lambda a: a.id in row and a.id not in seen):
            if article.id in seen:
                continue  # a repeated id: the first one is the article (ids.unique_ids)
            seen.add(article.id)
            k = row[article.id]
            keys[k] = anchor_keys(f"{article.title or ''}\n{article.text}")
            leads[k] = lead(article.text, article.title, self.config.lead_chars)
        threads = self.config.threads or os.cpu_count() or 1
        found = translation_pairs(
            [langs[d] for d in reps.tolist()],
            keys,
            leads,
            self.config,
            partial(encode_leads, threads=threads),
        )
        pairs = tuple(
            Translation(
                a=int(reps[t.a]),
                b=int(reps[t.b]),
                score=t.score,
                cosine=t.cosine,
                anchors=t.anchors,
                margin=t.margin,
            )
            for t in found
        )
        edges = np.array([(t.a, t.b) for t in pairs], np.int64).reshape(-1, 2)
        joined, via = join_translations(assignment, rank, edges)
        return joined, Translations(langs=langs, pairs=pairs, via=via)
