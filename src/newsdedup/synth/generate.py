"""Public entry points: a corpus in memory, as a stream, or written to JSONL files.

All three take the same keyword parameters and give the same articles for the same seed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import orjson

from newsdedup.synth.plan import CorpusSpec
from newsdedup.synth.stream import CorpusGenerator
from newsdedup.synth.truth import SynthCorpus, TruthRecord
from newsdedup.types import Article

__all__ = ["article_record", "generate_corpus", "iter_corpus", "write_corpus_jsonl"]


def iter_corpus(
    n_articles: int,
    *,
    seed: int = 0,
    copy_rate: float = 0.3,
    kinds: dict[str, float] | None = None,
    words: int = 500,
    stories: int | None = None,
    intensity: tuple[float, float] = (0.0, 1.0),
    shared_quotes: float = 0.0,
) -> Iterator[tuple[Article, TruthRecord]]:
    """Yield ``n_articles`` (article, truth) pairs in id order, holding two blocks of 1,000.

    ``copy_rate`` is the share of articles that are planted copies; ``kinds`` the mix of their
    kinds: weights over ``KINDS`` (default exact/near/rewrite/excerpt at 0.2/0.3/0.3/0.2).
    "condensed" briefs, "house" restyled copies and "repost" families of press releases are
    opt-in, so that a default corpus never changes. ``words`` is the mean article length;
    ``stories`` the number of stories (default: one per three originals); ``intensity`` the
    range each rewrite's (and house-style copy's) strength is drawn from; ``shared_quotes``
    the share of originals that also quote 2-4 long passages verbatim as another original of
    their story does (independent reports, not copies: see ``SynthCorpus.shared_quote_pairs``).
    Parameters are checked before the first article is made.
    """
    spec = CorpusSpec(
        n_articles=n_articles,
        seed=seed,
        copy_rate=copy_rate,
        kinds=kinds,
        words=words,
        stories=stories,
        intensity=intensity,
        shared_quotes=shared_quotes,
    )
    return iter(CorpusGenerator(spec))


def generate_corpus(
    n_articles: int,
    *,
    seed: int = 0,
    copy_rate: float = 0.3,
    kinds: dict[str, float] | None = None,
    words: int = 500,
    stories: int | None = None,
    intensity: tuple[float, float] = (0.0, 1.0),
    shared_quotes: float = 0.0,
) -> SynthCorpus:
    """A labelled corpus in memory; see ``iter_corpus`` for the parameters."""
    pairs = iter_corpus(
        n_articles,
        seed=seed,
        copy_rate=copy_rate,
        kinds=kinds,
        words=words,
        stories=stories,
        intensity=intensity,
        shared_quotes=shared_quotes,
    )
    articles: list[Article] = []
    truth: list[TruthRecord] = []
    for article, record in pairs:
        articles.append(article)
        truth.append(record)
    return SynthCorpus(articles, truth)


def article_record(article: Article) -> dict[str, str | None]:
    """The JSONL fields of an article (``published`` as ISO 8601, or null)."""
    published = article.published
    return {
        "id": article.id,
        "title": article.title,
        "text": article.text,
        "published": None if published is None else published.isoformat(),
        "source": article.source,
        "url": article.url,
    }


def write_corpus_jsonl(
    path: str | os.PathLike[str],
    n_articles: int,
    seed: int = 0,
    *,
    truth_path: str | os.PathLike[str] | None = None,
    copy_rate: float = 0.3,
    kinds: dict[str, float] | None = None,
    words: int = 500,
    stories: int | None = None,
    intensity: tuple[float, float] = (0.0, 1.0),
    shared_quotes: float = 0.0,
) -> tuple[Path, Path]:
    """Write articles to ``path`` and truth to ``truth_path`` (default ``<path>.truth.jsonl``),
    one JSON object a line, streaming. Both files appear whole or not at all (temp + rename).
    Returns the two paths."""
    out = Path(path)
    truth_out = Path(truth_path) if truth_path is not None else Path(f"{out}.truth.jsonl")
    pairs = iter_corpus(
        n_articles,
        seed=seed,
        copy_rate=copy_rate,
        kinds=kinds,
        words=words,
        stories=stories,
        intensity=intensity,
        shared_quotes=shared_quotes,
    )
    with ExitStack() as stack:
        a_tmp, a_file = _temp(stack, out)
        t_tmp, t_file = _temp(stack, truth_out)
        for article, record in pairs:
            a_file.write(orjson.dumps(article_record(article), option=orjson.OPT_APPEND_NEWLINE))
            t_file.write(orjson.dumps(record.as_dict(), option=orjson.OPT_APPEND_NEWLINE))
        a_file.close()
        t_file.close()
        os.replace(a_tmp, out)
        os.replace(t_tmp, truth_out)
    return out, truth_out


def _temp(stack: ExitStack, target: Path) -> tuple[Path, IO[bytes]]:
    """A temporary file beside ``target``, deleted on failure, for an atomic replace."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    handle = stack.enter_context(tmp.open("wb", buffering=1 << 20))
    stack.callback(lambda: tmp.unlink(missing_ok=True))
    return tmp, handle
