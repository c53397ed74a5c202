from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.clean.pipeline import clean_article, clean_corpus, headline
from newsdedup.config import CleanConfig
from newsdedup.report import Report
from newsdedup.types import Article

NO_LANG = CleanConfig(language=False)


def _corpus(unique_words: Callable[[int, int], list[str]], n: int = 8) -> list[Article]:
    articles = []
    for i in range(n):
        words = unique_words(80, 300 + 100 * i)
        body = "\n\n".join(" ".join(words[j : j + 40]) for j in (0, 40))
        articles.append(Article(id=f"a{i}", text=f"{body}\n\nJoin the Example Club today"))
    return articles


def test_pipeline_corpus_learns_and_removes_recurring_lines(
    unique_words: Callable[[int, int], list[str]],
) -> None:
    report = Report()
    out = list(clean_corpus(_corpus(unique_words), config=NO_LANG, report=report))
    assert [a.id for a in out] == [f"a{i}" for i in range(8)]
    assert all("Example Club" not in a.text for a in out)
    assert all([r.reason for r in a.removed] == ["learned"] for a in out)
    assert report.counters["learned_lines"] == 1
    assert report.counters["boilerplate_lines"] == 8


def test_pipeline_stream_is_spooled_with_the_same_result(
    unique_words: Callable[[int, int], list[str]],
) -> None:
    corpus = _corpus(unique_words)
    assert list(clean_corpus(iter(corpus), config=NO_LANG)) == list(
        clean_corpus(corpus, config=NO_LANG)
    )


def test_pipeline_no_learning_keeps_the_recurring_line(
    unique_words: Callable[[int, int], list[str]],
) -> None:
    config = CleanConfig(language=False, learn=False)
    out = list(clean_corpus(_corpus(unique_words), config=config))
    assert all(a.text.endswith("Join the Example Club today") for a in out)


def test_pipeline_article_keeps_raw_and_given_date() -> None:
    given_date = datetime(2021, 1, 1, tzinfo=UTC)
    text = "A headline\n\ndate 2022-09-14 body text of the article goes here.\n- Advertisement -"
    art = Article(id="x", text=text, published=given_date)
    out = clean_article(art, config=NO_LANG)
    assert out.raw == text
    assert out.published == given_date  # a record's own date is never replaced
    assert out.title == "A headline"
    assert "Advertisement" not in out.text
    dated = clean_article(Article(id="y", text=text), config=NO_LANG)
    assert dated.published == datetime(2022, 9, 14, tzinfo=UTC)


def test_pipeline_cleaning_twice_changes_nothing_more() -> None:
    art = Article(id="x", text="Title\n\nBody of the article here.\n\nSource link")
    once = clean_article(art, config=NO_LANG)
    twice = clean_article(once, config=NO_LANG)
    assert twice == once  # raw is kept, so removals are recomputed against the same text


def test_pipeline_headline() -> None:
    assert headline("Short title\n\nBody follows.") == "Short title"
    assert headline("Only one line") is None
    assert headline(" ".join(["word"] * 30) + "\nbody") is None


def test_pipeline_language_detected_when_asked() -> None:
    pytest.importorskip("lingua")
    text = "Le président russe a rencontré son homologue chinois à Samarcande jeudi dernier."
    assert clean_article(Article(id="f", text=text)).lang == "fr"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=80), min_size=1, max_size=12))
def test_pipeline_every_article_once_in_order(texts: list[str]) -> None:
    articles = [Article(id=str(i), text=t) for i, t in enumerate(texts)]
    out = list(clean_corpus(iter(articles), config=NO_LANG))
    assert [a.id for a in out] == [a.id for a in articles]
