"""Stories of the living index equal ``find_stories`` whatever the arrival order: late articles
dated before stored ones, bridges that merge two stories, undated articles, new versions, copy
groups whose first article changes; and id changes are recorded for clients."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsdedup import Article, Config, find_stories
from newsdedup.config import StoriesConfig
from newsdedup.group.stories.records import story_id
from newsdedup.store.index import Index
from newsdedup.store.schema import connect

_DAY0 = datetime(2024, 1, 1, tzinfo=UTC)
Words = Callable[[int, int], list[str]]


def _article(words: list[str], id: str, day: float | None = 0.0, **kw: object) -> Article:
    published = None if day is None else _DAY0 + timedelta(days=day)
    return Article(id=id, text=" ".join(words), published=published, **kw)  # type: ignore[arg-type]


def _event(vocab: list[str], n: int, seed: int, words: int = 120) -> list[list[str]]:
    """``n`` reports of one event, each drawn from the event's vocabulary."""
    rng = random.Random(seed)
    return [[rng.choice(vocab) for _ in range(words)] for _ in range(n)]


def _check(index: Index, articles: list[Article], config: Config) -> None:
    """The index holds ``find_stories``' stories and topics of ``articles``, record for record."""
    expected = find_stories(articles, config)
    ids = [a.id for a in articles]
    assert {i: index.article(i).story for i in ids} == expected.story_of  # type: ignore[union-attr]
    for story in expected.stories:
        assert index.story(story.id) == story
    assert {i: index.story(expected.story_of[i]).topic for i in ids} == expected.topic_of  # type: ignore[union-attr]
    assert index.stats()["stories"] == len(expected.stories)


@pytest.fixture
def events(unique_words: Words) -> list[list[list[str]]]:
    return [_event(unique_words(60, 60 * e), 5, seed=e) for e in range(3)]


def test_index_stories_a_late_article_dated_first_takes_the_story(
    tmp_path: Path, events: list[list[list[str]]]
) -> None:
    """An article dated before the stored reports of its event arrives last: it becomes the
    story's first article, so the story takes its id; the old id is recorded as moved."""
    config = Config()
    later = [_article(w, f"e0-{i}", day=1 + i * 0.2) for i, w in enumerate(events[0][1:])]
    other = [_article(w, f"e1-{i}", day=1 + i * 0.2) for i, w in enumerate(events[1])]
    early = _article(events[0][0], "e0-early", day=0.5)
    with Index(tmp_path / "x.db", config) as index:
        index.add(later + other)
        old = index.article("e0-0").story  # type: ignore[union-attr]
        assert old == story_id("e0-0")
        start = datetime.now(UTC)
        index.add([early])
        _check(index, [*later, *other, early], config)
        assert index.article("e0-0").story == story_id("e0-early")  # type: ignore[union-attr]
        assert index.story(old) is None
        assert [(o, n) for _, o, n in index.story_moves(start)] == [(old, story_id("e0-early"))]
        assert index.story_moves(datetime.now(UTC) + timedelta(seconds=1)) == ()


def test_index_stories_a_bridge_merges_two_stories_and_the_merge_is_recorded(
    tmp_path: Path, unique_words: Words
) -> None:
    """Two reports sharing 30 of 70 words are two stories; a third close to both makes them
    one (average-link), under the first one's id: ``b``'s story moved into ``a``'s."""
    shared, one, two = unique_words(30, 0), unique_words(40, 30), unique_words(40, 70)
    mixed = [w for pair in zip(one[:20], two[:20], strict=True) for w in pair]
    a = _article(shared + one, "a", day=0)
    b = _article(two + shared[::-1], "b", day=0.1)
    c = _article(shared[::2] + mixed + shared[1::2], "c", day=0.2)
    config = Config(stories=StoriesConfig(story_similarity=0.42))  # a-b 0.35; {a, c}-b 0.49
    with Index(tmp_path / "x.db", config) as index:
        index.add([b])
        index.add([a])
        assert index.stats()["stories"] == 2
        _check(index, [a, b], config)
        index.add([c])
        _check(index, [a, b, c], config)
        assert {index.article(i).story for i in "abc"} == {story_id("a")}  # type: ignore[union-attr]
        assert (story_id("b"), story_id("a")) in {(o, n) for _, o, n in index.story_moves()}
        assert index.story(story_id("b")) is None


def test_index_stories_undated_articles_in_any_order(
    tmp_path: Path, events: list[list[list[str]]]
) -> None:
    """Undated articles come after the dated ones in publication order and are near every
    date; shuffled over calls, they end in the batch's stories."""
    config = Config()
    articles = [
        _article(w, f"e{e}-{i}", day=None if i % 2 else e * 30 + i)
        for e, event in enumerate(events)
        for i, w in enumerate(event)
    ]
    articles.append(dataclasses.replace(articles[1], id="copy-of-undated"))
    articles.append(dataclasses.replace(articles[1], id="dated-copy", published=_DAY0))
    random.Random(3).shuffle(articles)
    with Index(tmp_path / "x.db", config) as index:
        for lo in range(0, len(articles), 4):
            index.add(articles[lo : lo + 4])
        _check(index, articles, config)


def test_index_stories_a_new_version_leaves_its_story(
    tmp_path: Path, events: list[list[list[str]]], unique_words: Words
) -> None:
    """The first report of a story is edited into something else: it leaves the story, which
    now starts at the second report (new id, recorded), and the edit stands alone."""
    config = Config()
    articles = [
        _article(w, f"e{e}-{i}", day=e * 30 + i * 0.2)
        for e, event in enumerate(events)
        for i, w in enumerate(event)
    ]
    with Index(tmp_path / "x.db", config) as index:
        index.add(articles)
        _check(index, articles, config)
        edited = _article(unique_words(120, 500), "e0-0", day=0)
        result = index.add([edited])
        assert result.added[0].status == "new_version"
        final = [edited, *articles[1:]]
        _check(index, final, config)
        assert index.article("e0-1").story == story_id("e0-1")  # type: ignore[union-attr]
        moves = {(o, n) for _, o, n in index.story_moves()}
        assert (story_id("e0-0"), story_id("e0-1")) in moves
        assert index.story(story_id("e0-0")).members == ("e0-0",)  # type: ignore[union-attr]


def test_index_stories_a_copy_dated_earlier_becomes_the_voice(
    tmp_path: Path, events: list[list[list[str]]]
) -> None:
    """An exact copy dated before its group's first article arrives: the group's voice (its
    first article) changes, as the batch would pick it, and so does the story's id."""
    config = Config()
    articles = [_article(w, f"e0-{i}", day=1 + i * 0.2) for i, w in enumerate(events[0])]
    articles += [_article(w, f"e1-{i}", day=1 + i * 0.2) for i, w in enumerate(events[1])]
    early_copy = dataclasses.replace(articles[0], id="z-copy", published=_DAY0)
    with Index(tmp_path / "x.db", config) as index:
        index.add(articles)
        index.add([early_copy])
        _check(index, [*articles, early_copy], config)
        assert index.article("e0-3").story == story_id("z-copy")  # type: ignore[union-attr]


def test_index_stories_voices_stored_without_labels_read_them_once(
    tmp_path: Path, events: list[list[list[str]]]
) -> None:
    """A voice stored before labels were kept (schema 5) has its labels read from its text the
    first time its story is written again, then stored; the records equal the batch's."""
    config = Config()
    first = [
        _article(w, f"e{e}-{i}", day=e + i * 0.1)
        for e in range(2)
        for i, w in enumerate(events[e][:3])
    ]
    later = [
        _article(w, f"e{e}-{i}", day=e + i * 0.1)
        for e in range(3)
        for i, w in enumerate(events[e])
        if e == 2 or i >= 3
    ]
    with Index(tmp_path / "x.db", config) as index:
        index.add(first)
        writer = connect(tmp_path / "x.db")
        assert writer.execute("SELECT count(*) FROM voice_labels").fetchone()[0] == len(first)
        writer.execute("DELETE FROM voice_labels")
        writer.commit()
        index.add(later)
        _check(index, first + later, config)
        stored = writer.execute("SELECT count(*) FROM voice_labels").fetchone()[0]
        writer.close()
        assert stored == len(first) + len(later)


def _dated_in_text(events: list[list[list[str]]]) -> tuple[list[Article], list[Article]]:
    """Reports of three events a month apart (dated), and for each event two more with no date
    field but a dateline in their text 200 days before the event: ordered by that date (first),
    but, undated for the story window, near every voice (``story_graph_result``)."""
    dated = [
        _article(w, f"e{e}-{i}", day=e * 30 + i * 0.2)
        for e, event in enumerate(events)
        for i, w in enumerate(event[:3])
    ]
    lines = []
    for e, event in enumerate(events):
        line = (_DAY0 + timedelta(days=e * 30 - 200)).strftime("%B %d, %Y")
        lines += [
            _article([*w, "\nPublished", line], f"e{e}-text-{i}", day=None)
            for i, w in enumerate(event[3:])
        ]
    return dated, lines


def test_index_stories_a_date_in_the_text_orders_but_does_not_window(
    tmp_path: Path, events: list[list[list[str]]]
) -> None:
    """An article without a date field takes the date in its text for publication order, but
    the story window reads published dates only, as the batch: the index once kept the text's
    date as the voice's day, so these reports (200 days from their event by the text) fell out
    of their stories (35 of 5,000 generated articles in another story than the batch's)."""
    config = Config()
    dated, lines = _dated_in_text(events)
    articles = dated + lines
    expected = find_stories(articles, config)
    assert expected.story_of["e0-text-0"] == expected.story_of["e0-0"]  # the trigger holds
    with Index(tmp_path / "x.db", config) as index:
        index.add(dated)
        index.add(lines[:2])
        index.add(lines[2:])
        _check(index, articles, config)
        stored = connect(tmp_path / "x.db")
        days = stored.execute(
            "SELECT count(*) FROM story_voices v JOIN articles a ON a.seq = v.seq "
            "WHERE a.story_when IS NOT NULL AND a.published IS NULL AND v.day IS NULL"
        ).fetchone()[0]
        stored.close()
        assert days == len(lines)


def test_index_stories_a_file_that_windowed_by_the_text_date_is_redated(
    tmp_path: Path, events: list[list[list[str]]], unique_words: Words
) -> None:
    """A file of story state graph-1 gave such reports the day in their text: the next add
    gives them no day and re-clusters their components, and the stories are the batch's."""
    config = Config()
    dated, lines = _dated_in_text(events)
    path = tmp_path / "x.db"
    # what graph-1 stored: the text's date as the voice's day, and the stories clustered by it
    as_dated = [
        dataclasses.replace(a, published=_DAY0 + timedelta(days=int(a.id[1]) * 30 - 200))
        for a in lines
    ]
    with Index(path, config) as index:
        index.add(dated + as_dated)
        assert index.article("e0-text-0").story != index.article("e0-0").story  # type: ignore[union-attr]
    writer = connect(path)
    writer.execute("UPDATE articles SET published = NULL WHERE id LIKE '%-text-%'")
    writer.execute("UPDATE meta SET value = 'graph-1' WHERE key = 'story_state'")
    writer.commit()
    writer.close()
    late = _article(unique_words(120, 400), "late", day=100)
    with Index(path, config) as index:
        index.add([late])
        _check(index, [*dated, *lines, late], config)
    with Index(path, config) as index:  # marked once: the mark is gone, the state is graph-2
        meta = dict(index._conn().execute("SELECT key, value FROM meta").fetchall())
        assert meta["story_state"] == "graph-2"
        assert "stories_redate" not in meta
