"""Topics of the living index are a derived view: an add marks them stale, the first reader of
topics computes them again, and what a reader sees equals the topics of one batch."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdedup import Article, Config, find_stories
from newsdedup.store.index import Index
from newsdedup.store.schema import connect
from newsdedup.synth import generate_corpus


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    return list(generate_corpus(240, seed=5, words=120, copy_rate=0.35).articles)


def _stored_topics(path: Path) -> dict[str, str | None]:
    conn = connect(path)
    try:
        return dict(conn.execute("SELECT id, topic FROM stories"))
    finally:
        conn.close()


def _stale(path: Path) -> bool:
    conn = connect(path)
    try:
        return conn.execute("SELECT 1 FROM meta WHERE key = 'topics_stale'").fetchone() is not None
    finally:
        conn.close()


def test_index_topics_after_many_adds_equal_one_batch(
    tmp_path: Path, corpus: list[Article]
) -> None:
    """Topics read after N adds (no read between them) equal those of one add of the same
    articles, and ``find_stories``' topics."""
    config = Config()
    with Index(tmp_path / "one.db", config) as one:
        one.add(corpus)
        assert one.stats()["stories"] > 0
    with Index(tmp_path / "many.db", config) as many:
        for lo in range(0, len(corpus), 40):
            many.add(corpus[lo : lo + 40])
        assert _stale(tmp_path / "many.db")  # the adds computed no topics
        expected = find_stories(corpus, config)
        topics = {a.id: many.story(expected.story_of[a.id]).topic for a in corpus}  # type: ignore[union-attr]
        assert topics == expected.topic_of
        assert many.stats()["topics"] == len(expected.topics)
    assert not _stale(tmp_path / "many.db")
    assert _stored_topics(tmp_path / "many.db") == _stored_topics(tmp_path / "one.db")


@pytest.mark.parametrize("reader", ["story", "stories", "stats", "story_articles"])
def test_index_topics_every_reader_refreshes_them(
    tmp_path: Path, corpus: list[Article], reader: str
) -> None:
    """Each reader of topics computes stale topics before it answers, also when another
    ``Index`` on the file made the add."""
    config = Config()
    path = tmp_path / "index.db"
    with Index(path, config) as writer, Index(path, config) as other:
        writer.add(corpus[:120])
        other.stats()
        writer.add(corpus[120:])
        assert _stale(path)
        sid = next(iter(_stored_topics(path)))
        {
            "story": lambda: other.story(sid),
            "stories": lambda: other.stories(limit=1),
            "stats": other.stats,
            "story_articles": lambda: other.story_articles(sid),
        }[reader]()
        assert not _stale(path)
        expected = find_stories(corpus, config)
        page = other.stories(limit=len(corpus))
        assert {s.id: s.topic for s in page.stories} == {
            s.id: expected.topic_of[s.members[0]] for s in expected.stories
        }


def test_index_topics_an_add_of_nothing_new_leaves_them_fresh(
    tmp_path: Path, corpus: list[Article]
) -> None:
    """Articles already stored change no story: the topics stay fresh, no pass is needed."""
    with Index(tmp_path / "index.db", Config()) as index:
        index.add(corpus[:80])
        assert index.refresh_topics()
        index.add(corpus[:80])
        assert not index.refresh_topics()
