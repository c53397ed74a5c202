"""The clean stage over a stream of articles: dates, boilerplate and language.

Per article the work is local (built-in rules, dates, language). Learned boilerplate needs the
whole corpus first, so ``clean_corpus`` reads it twice: once to learn the recurring lines, once
to clean. A stream that cannot be replayed is spooled to a compressed temporary file, so reading
(and extracting web pages) happens only once.
"""

from __future__ import annotations

import dataclasses
import itertools
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence

import zstandard

from newsdedup.clean.boilerplate import (
    AllBoilerplate,
    Boilerplate,
    learn_boilerplate,
    strip_boilerplate,
)
from newsdedup.clean.dates import find_date
from newsdedup.config import DEFAULT_CLEAN, CleanConfig
from newsdedup.report import Report
from newsdedup.types import Article

__all__ = [
    "clean_article",
    "clean_articles",
    "clean_corpus",
    "headline",
    "learn_from",
    "per_article",
]


def clean_article(
    article: Article,
    *,
    config: CleanConfig = DEFAULT_CLEAN,
    learned: Boilerplate | None = None,
    report: Report | None = None,
    plain: bool = False,
) -> Article:
    """``article`` with its boilerplate removed, its date from the text if it had none, and its
    language; the text as given stays in ``raw``. ``plain`` says that no boilerplate rule can
    remove a line of it (``line_scan.plain_texts``): its text is then only stripped."""
    raw = _raw(article)
    changes: dict[str, object] = {"raw": raw}
    if article.published is None and config.dates_from_text:
        found = find_date(raw)
        if found is not None:
            changes["published"] = found
            _count(report, "date_from_text")
    if config.boilerplate and plain:
        changes.update(text=raw.strip() or raw, removed=())  # what strip_boilerplate returns
    elif config.boilerplate:
        try:
            text, removed = strip_boilerplate(
                raw, config=config, learned=learned, title=article.title
            )
        except AllBoilerplate:
            text, removed = raw, ()
            _count(report, "all_boilerplate")
        changes.update(text=text, removed=removed)
        _count(report, "boilerplate_lines", len(removed))
    if article.title is None:
        title = headline(str(changes.get("text", raw)))
        if title is not None:
            changes["title"] = title
            _count(report, "title_from_text")
    if config.language:
        from newsdedup.clean.language import detect_language

        changes["lang"] = detect_language(str(changes.get("text", raw))) or article.lang
    return dataclasses.replace(article, **changes)  # type: ignore[arg-type]


_LANGUAGE_BATCH = 256  # articles whose languages are told together
_HEADLINE_WORDS = 20
_HEADLINE_CHARS = 200


def headline(text: str) -> str | None:
    """A plain-text article's first line when it reads as a headline: short, with more below."""
    first, newline, rest = text.strip().partition("\n")
    first = first.strip()
    if not newline or not rest.strip() or not first or len(first) > _HEADLINE_CHARS:
        return None
    return first if first.count(" ") < _HEADLINE_WORDS else None


def per_article(config: CleanConfig) -> CleanConfig:
    """The cleaning dedup and compare apply: boilerplate rules, each article on its own.

    No learned lines (they need the corpus) and no language (copy detection does not use it).
    No dates from the text either: a dateline survives in some copies and not in others, so the
    earliest-first representative would flip between copies of one article; on 20,000 generated
    articles without a date field this cut pair recall from 0.999 to 0.890 (docs/cleaning.md).
    """
    return dataclasses.replace(config, learn=False, language=False, dates_from_text=False)


def _count(report: Report | None, name: str, n: int = 1) -> None:
    if report is not None and n:
        report.count(name, n)


def clean_articles(
    articles: Iterable[Article],
    *,
    config: CleanConfig = DEFAULT_CLEAN,
    learned: Boilerplate | None = None,
    report: Report | None = None,
) -> Iterator[Article]:
    """Clean each article on its own (``learned`` lines included when given).

    Articles are cleaned a batch at a time: one compiled scan of the batch finds the texts no
    boilerplate rule can touch (most of them), and only the others go through the rules.
    Languages are told a batch at a time too, on every core.
    """
    local = dataclasses.replace(config, language=False)
    stream = iter(articles)
    size = _LANGUAGE_BATCH if config.language else _SCAN_BATCH
    plain_texts = _scanner(config, learned)
    while batch := list(itertools.islice(stream, size)):
        plain = plain_texts([_raw(a) for a in batch])
        done = [
            clean_article(a, config=local, learned=learned, report=report, plain=p)
            for a, p in zip(batch, plain, strict=True)
        ]
        if config.language:
            from newsdedup.clean.language import detect_languages

            langs = detect_languages([a.text for a in done])
            done = [
                dataclasses.replace(a, lang=lang or a.lang)
                for a, lang in zip(done, langs, strict=True)
            ]
        yield from done


_SCAN_BATCH = 64  # articles scanned at once: their bytes stay in the CPU's cache


def _raw(article: Article) -> str:
    """The text as given: what cleaning starts from, also for an article cleaned before."""
    return article.raw if article.raw is not None else article.text


def _scanner(config: CleanConfig, learned: Boilerplate | None) -> Callable[[list[str]], list[bool]]:
    """Per batch of texts, whether no boilerplate rule can touch each (``line_scan``), with the
    rules' key hashes computed once for the whole stream."""
    if not config.boilerplate:
        return lambda texts: [False] * len(texts)
    from newsdedup.clean.line_scan import plain_texts, rule_hashes

    hashes = rule_hashes(learned)
    return lambda texts: plain_texts(texts, hashes).tolist()


def learn_from(articles: Iterable[Article], *, config: CleanConfig = DEFAULT_CLEAN) -> Boilerplate:
    """The boilerplate lines of a corpus (see ``learn_boilerplate``)."""
    return learn_boilerplate(((a.text, None) for a in articles), config=config)


def clean_corpus(
    articles: Iterable[Article],
    *,
    config: CleanConfig = DEFAULT_CLEAN,
    report: Report | None = None,
) -> Iterator[Article]:
    """Clean a whole corpus, learning its boilerplate first when ``config.learn`` is set."""
    if not (config.learn and config.boilerplate):
        yield from clean_articles(articles, config=config, report=report)
        return
    if isinstance(articles, Sequence):
        learned = learn_from(articles, config=config)
        _count(report, "learned_lines", len(learned))
        yield from clean_articles(articles, config=config, learned=learned, report=report)
        return
    with tempfile.TemporaryFile(prefix="newsdedup-clean-") as spool:
        learned = learn_from(_spooled(articles, spool), config=config)
        _count(report, "learned_lines", len(learned))
        spool.seek(0)
        yield from clean_articles(_replayed(spool), config=config, learned=learned, report=report)


def _spooled(articles: Iterable[Article], spool: object) -> Iterator[Article]:
    with zstandard.ZstdCompressor(level=1).stream_writer(spool, closefd=False) as out:  # type: ignore[arg-type]
        for article in articles:
            pickle.dump(article, out, protocol=pickle.HIGHEST_PROTOCOL)
            yield article


def _replayed(spool: object) -> Iterator[Article]:
    with zstandard.ZstdDecompressor().stream_reader(spool, closefd=False) as src:  # type: ignore[arg-type]
        while True:
            try:
                yield pickle.load(src)
            except EOFError:
                return
