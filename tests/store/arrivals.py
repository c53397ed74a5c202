"""Generated articles as an index meets them: copies, then new versions of some (shared by the
store tests that need rows to leave and enter the index)."""

from __future__ import annotations

import dataclasses

from newsdedup.synth import generate_corpus
from newsdedup.types import Article


def with_updates(n: int, seed: int, words: int, every: int, note: str) -> tuple[Article, ...]:
    """``n`` generated articles (40% copies), then a new version of every ``every``-th one, its
    text followed by ``note``."""
    articles = list(generate_corpus(n, seed=seed, words=words, copy_rate=0.4).articles)
    edited = [dataclasses.replace(a, text=a.text + note) for a in articles[::every]]
    return (*articles, *edited)
