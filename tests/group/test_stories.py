"""Story grouping: similarity parts, incremental assignment, merges, the index, copies counted
once, fading, and the invariants (hypothesis)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import Article, Config, StoryResult, find_stories
from newsdedup.config import StoriesConfig
from newsdedup.errors import ConfigError
from newsdedup.fingerprint.terms import content_terms
from newsdedup.group.stories import publication_order
from newsdedup.group.stories.graph import story_edges
from newsdedup.group.stories.vectors import name_terms, story_vectors

_DAY0 = datetime(2024, 1, 1, tzinfo=UTC)


def _article(words: list[str], id: str, day: float | None = 0.0, **kw: object) -> Article:
    published = None if day is None else _DAY0 + timedelta(days=day)
    return Article(id=id, text=" ".join(words), published=published, **kw)  # type: ignore[arg-type]


def _partition(result: StoryResult) -> set[frozenset[str]]:
    return {frozenset(s.members) for s in result.stories}


def _event(vocab: list[str], n: int, seed: int, words: int = 120) -> list[list[str]]:
    """``n`` reports of one event: each draws its words from the event's 60-word vocabulary."""
    rng = random.Random(seed)
    return [[rng.choice(vocab) for _ in range(words)] for _ in range(n)]


@pytest.fixture
def events(unique_words: Callable[[int, int], list[str]]) -> list[list[list[str]]]:
    return [_event(unique_words(60, 60 * e), 4, seed=e) for e in range(3)]


def test_stories_terms_content_terms_drop_stopwords_and_possessives() -> None:
    assert content_terms("The Kremlin's view of the summit, the summit.") == {
        "kremlin": 1,
        "view": 1,
        "summit": 2,
    }


def test_stories_names_keep_names_numbers_and_days() -> None:
    """Capitalised words that do not open a sentence, the figures and the days named."""
    text = "Putin met Xi Jinping in Samarkand on Thursday, September 15. The 2 leaders spoke."
    found = name_terms(text)
    assert {"xi", "jinping", "samarkand", "2", "@thursday", "@sep 15"} <= set(found)
    assert "putin" not in found  # it opens the sentence
    assert "the" not in found


def test_stories_vectors_are_unit_and_cut() -> None:
    text = " ".join(f"word{chr(97 + i)}" * 1 for i in range(26)) + " Alpha Beta Gamma"
    vectors = story_vectors([Article(id="x", text=text)], max_terms=10)
    for name in ("text", "names", "lead"):
        row = vectors.channel(name)
        assert len(row.data) <= 10
        assert float(row.data @ row.data) == pytest.approx(1.0)


def test_stories_an_overfull_key_pairs_nobody(
    unique_words: Callable[[int, int], list[str]],
) -> None:
    """Voices sharing only a term held by more than ``key_postings`` of them are no edge."""
    common = unique_words(1, 500)
    texts = [" ".join(common * 5 + unique_words(20, 20 * k)) for k in range(4)]
    vectors = story_vectors([Article(id=str(k), text=t) for k, t in enumerate(texts)])
    days = np.full(4, np.nan)
    assert len(story_edges(vectors, days, StoriesConfig())) == 6
    assert len(story_edges(vectors, days, StoriesConfig(key_postings=3))) == 0


def test_stories_incremental_reports_of_one_event_form_one_story(
    events: list[list[list[str]]],
) -> None:
    articles = [
        _article(words, f"e{e}-{i}", day=i * 0.2) for e, ev in enumerate(events)
        for i, words in enumerate(ev)
    ]  # fmt: skip
    result = find_stories(articles)
    expected = {frozenset(f"e{e}-{i}" for i in range(4)) for e in range(3)}
    assert _partition(result) == expected


def test_stories_a_bridge_does_not_chain_unrelated_stories(
    unique_words: Callable[[int, int], list[str]],
) -> None:
    """Average link: an article half like each of two unrelated ones joins one of them, and
    the two stay apart (their mean similarity counts the pair that shares nothing)."""
    left, right = unique_words(40, 0), unique_words(40, 40)
    articles = [
        _article(left * 2, "a", day=0),
        _article(right * 2, "b", day=0.1),
        # half of each, interleaved: close to both in words, a copy of neither
        _article([w for pair in zip(left, right, strict=True) for w in pair], "c", day=0.2),
    ]
    # c-a 0.67, c-b 0.67, a-b 0: single link at 0.4 would chain all three, average link
    # sees {a, c}-b at 0.33
    result = find_stories(articles, Config(stories=StoriesConfig(story_similarity=0.4)))
    assert len(result.stories) == 2
    assert result.story_of["a"] != result.story_of["b"]


def test_stories_merge_when_a_report_links_two_halves(
    unique_words: Callable[[int, int], list[str]],
) -> None:
    """Two reports of one event that share 30 of their 70 words are apart alone; a third
    report close to both makes the three one story, under the first one's id."""
    shared, one, two = unique_words(30, 0), unique_words(40, 30), unique_words(40, 70)
    mixed = [w for pair in zip(one[:20], two[:20], strict=True) for w in pair]
    articles = [  # the shared words in another order each time: no shingle in common
        _article(shared + one, "a", day=0),
        _article(two + shared[::-1], "b", day=0.1),
        _article(shared[::2] + mixed + shared[1::2], "c", day=0.2),
    ]
    config = Config(stories=StoriesConfig(story_similarity=0.42))  # a-b 0.35; {a, c}-b 0.49
    alone = find_stories(articles[:2], config)
    assert len(alone.stories) == 2
    result = find_stories(articles, config)
    assert _partition(result) == {frozenset("abc")}
    assert result.stories[0].id == alone.story_of["a"]  # the first article's id stays


def test_stories_copies_count_once(
    make_words: Callable[[int, int], list[str]], unique_words: Callable[[int, int], list[str]]
) -> None:
    wire = make_words(200, 1)
    copies = [_article(wire, f"copy{i:03d}", day=i * 0.01) for i in range(100)]
    shared = wire[:5]
    others = [
        _article(shared + unique_words(150, 1000 + 200 * k), f"other{k}", day=1 + k * 0.1)
        for k in range(5)
    ]
    result = find_stories(copies + others)
    assert len({result.group_of[a.id] for a in copies}) == 1
    wire_story = result.story_of["copy000"]
    assert {result.story_of[a.id] for a in copies} == {wire_story}
    assert all(result.story_of[a.id] != wire_story for a in others)


def test_stories_same_words_sixty_days_later_are_another_story(
    make_words: Callable[[int, int], list[str]],
) -> None:
    words = make_words(150, 3)
    rng = random.Random(4)
    later = words[:]
    rng.shuffle(later)  # same words, another text: not a copy
    result = find_stories([_article(words, "early", day=0), _article(later, "late", day=60)])
    assert result.story_of["early"] != result.story_of["late"]
    soon = find_stories([_article(words, "early", day=0), _article(later, "late", day=1)])
    assert soon.story_of["early"] == soon.story_of["late"]


def test_stories_undated_article_finds_a_story_closed_long_ago(
    make_words: Callable[[int, int], list[str]],
) -> None:
    """With no date it has no place in time: the window does not keep it from any story."""
    words = make_words(150, 3)
    later = words[:]
    random.Random(4).shuffle(later)
    articles = [
        _article(words, "old", day=0),
        _article(make_words(150, 9), "new", day=400),  # closes "old" long before the end
        _article(later, "undated", day=None),
    ]
    result = find_stories(articles)
    assert result.story_of["undated"] == result.story_of["old"] != result.story_of["new"]
    story = next(s for s in result.stories if "old" in s.members)
    assert story.members == ("old", "undated") and story.last_seen == _DAY0  # no time taken


def test_stories_story_fields(events: list[list[list[str]]]) -> None:
    articles = [
        _article(words, f"a{i}", day=i * 0.7, title=f"Title {i}", source=f"site{i % 2}")
        for i, words in enumerate(events[0])
    ]
    [story] = find_stories(articles).stories
    assert story.id.startswith("s") and len(story.id) == 17
    assert story.members == ("a0", "a1", "a2", "a3")
    assert story.headline in {f"Title {i}" for i in range(4)}
    assert story.first_seen == _DAY0 and story.last_seen == _DAY0 + timedelta(days=2.1)
    assert story.sources == ("site0", "site1")
    assert story.timeline == (("2024-01-01", 2), ("2024-01-02", 1), ("2024-01-03", 1))
    assert 0 < len(story.label) <= StoriesConfig().label_size
    assert len(story.groups) == 4


def test_stories_undated_articles_take_the_text_date_or_come_last() -> None:
    articles = [
        Article(id="c", text="no date here at all"),
        Article(id="b", text="Published on 3 May 2021\nbody text"),
        Article(id="a", text="dated", published=datetime(2022, 1, 1, tzinfo=UTC)),
        Article(id="0", text="also without a date"),
    ]
    order, when = publication_order(articles, StoriesConfig())
    assert [articles[i].id for i in order] == ["b", "a", "0", "c"]
    assert when[0] == datetime(2021, 5, 3, tzinfo=UTC) and when[2:] == [None, None]


def test_stories_duplicate_ids_are_rejected() -> None:
    result = find_stories([Article(id="x", text="one text"), Article(id="x", text="another")])
    assert list(result.story_of) == ["x"]
    assert [r.reason for r in result.rejected] == ["duplicate_id"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("story_similarity", 1.5), ("key_postings", 1), ("window_days", -1.0), ("max_terms", 2.5)],
)
def test_stories_config_validates(field: str, value: object) -> None:
    with pytest.raises(ConfigError, match=rf"^The '{field}' parameter of StoriesConfig"):
        StoriesConfig(**{field: value})  # type: ignore[arg-type]


_WORDS = st.lists(st.sampled_from([f"w{i:02d}x" for i in range(40)]), min_size=3, max_size=30)
_DOCS = st.lists(st.tuples(_WORDS, st.integers(0, 40)), min_size=1, max_size=12)


@settings(max_examples=30, deadline=None)
@given(docs=_DOCS, seed=st.integers(0, 1000))
def test_stories_invariants_order_and_completeness(
    docs: list[tuple[list[str], int]], seed: int
) -> None:
    articles = [_article(words, f"d{i:02d}", day=day) for i, (words, day) in enumerate(docs)]
    result = find_stories(articles)
    members = [m for s in result.stories for m in s.members]
    assert sorted(members) == sorted(a.id for a in articles)  # none lost, each once
    assert set(result.story_of) == {a.id for a in articles}
    shuffled = articles[:]
    random.Random(seed).shuffle(shuffled)
    again = find_stories(shuffled)
    assert _partition(again) == _partition(result)
    assert again.story_of == result.story_of
    by_text: dict[str, set[str]] = {}
    for a in articles:
        by_text.setdefault(a.text, set()).add(result.story_of[a.id])
    assert all(len(ids) == 1 for ids in by_text.values())  # identical texts: one story


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_stories_topics_hold_whole_stories_whatever_the_order(seed: int) -> None:
    """Every article has one story and one topic; a topic is a union of whole stories; input
    order changes neither (generated coverage with dates)."""
    from newsdedup.synth import generate_corpus

    articles = list(generate_corpus(60, seed=seed, words=120, copy_rate=0.3).articles)
    result = find_stories(articles)
    assert set(result.story_of) == set(result.topic_of) == {a.id for a in articles}
    for story in result.stories:
        assert {result.topic_of[m] for m in story.members} == {story.topic}
    assert sum(t.size for t in result.topics) == len(articles)
    shuffled = find_stories(random.Random(seed).sample(articles, len(articles)))
    assert shuffled.story_of == result.story_of and shuffled.topic_of == result.topic_of


def test_stories_sparse_rows_take_and_stack() -> None:
    """Rows picked or stacked keep their terms and weights."""
    texts = ["Alpha met Beta in Gamma.", "", "Delta and Epsilon spoke about Zeta twice, Zeta."]
    vectors = story_vectors([Article(id=str(k), text=t) for k, t in enumerate(texts)])
    names = vectors.names
    picked = names.take(np.array([2, 0, 1]))
    assert list(np.diff(picked.indptr)) == [np.diff(names.indptr)[i] for i in (2, 0, 1)]
    again = type(names).stack([names.take(np.array([0])), names.take(np.array([1, 2]))])
    assert np.array_equal(again.indptr, names.indptr)
    assert np.array_equal(again.indices, names.indices)
    assert np.array_equal(again.data, names.data)
    assert list(names.present()) == [True, False, True]


def test_stories_features_in_worker_processes_equal_in_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Voices read in two worker processes give the same vectors, labels and stories."""
    from newsdedup.group.stories import find as module

    texts = [
        f"Mayor Alvarez of Springfield opened bridge {k % 4} on Monday. The Springfield bridge "
        f"cost {k * 3} million dollars, said Alvarez."
        for k in range(24)
    ]
    articles = [_article(t.split(), f"a{k:02d}", day=k % 3) for k, t in enumerate(texts)]
    config = Config().override({"run.workers": "1"})
    serial = find_stories(articles, config)
    monkeypatch.setattr(module, "_POOL_AFTER", 4)
    monkeypatch.setattr(module, "_FEATURE_CHUNK", 5)
    pooled = find_stories(articles, Config().override({"run.workers": "2"}))
    assert pooled.stories == serial.stories
    assert pooled.topics == serial.topics
    vectors, labels = module._features(articles, config.stories, workers=2)
    alone, alone_labels = module._features(articles, config.stories, workers=1)
    for name in ("text", "names", "lead"):
        a, b = vectors.channel(name), alone.channel(name)
        assert a.indptr.tolist() == b.indptr.tolist()
        assert a.indices.tolist() == b.indices.tolist()
        assert a.data.tolist() == b.data.tolist()
    assert [labels.of(r) for r in range(len(labels))] == [
        alone_labels.of(r) for r in range(len(alone_labels))
    ]
    assert labels.of(0)[0][0][:2] == ("alvarez", "Alvarez")


def test_stories_vectors_keep_each_texts_heaviest_terms_with_ties_by_term() -> None:
    """``max_terms`` keeps the heaviest terms (sublinear count times rarity), equal weights
    by term, each row unit length; rows do not depend on the other rows of the batch."""
    import math

    from newsdedup.group.stories.vectors import _column, rarity

    text = "qzxa qzxb qzxc mayor qzxc"  # qzx*: unlisted words, equal rarity; qzxc said twice
    counts = {"qzxa": 1, "qzxb": 1, "qzxc": 2, "mayor": 1}
    weight = {t: (1 + math.log(n)) * rarity(t) for t, n in counts.items()}
    top = sorted(weight, key=lambda t: (-weight[t], t))[:2]
    assert top[0] == "qzxc" and top[1] == "qzxa"  # the tie qzxa/qzxb goes to the first term
    alone = story_vectors([Article(id="x", text=text)], max_terms=2)
    norm = math.sqrt(sum(weight[t] ** 2 for t in top))
    expected = sorted((_column(t), weight[t] / norm) for t in top)
    got = list(zip(alone.text.indices.tolist(), alone.text.data.tolist(), strict=True))
    assert [c for c, _ in got] == [c for c, _ in expected]
    # the weights are float32 values (the living index stores them in 4 bytes)
    assert all(float(np.float32(w)) == w for _, w in got)
    assert all(abs(a - b) < 1e-7 for (_, a), (_, b) in zip(got, expected, strict=True))
    batch = story_vectors(
        [Article(id="y", text="other words entirely"), Article(id="x", text=text)], 2
    )
    assert batch.text.take(np.array([1])).data.tolist() == alone.text.data.tolist()


@settings(max_examples=60, deadline=None)
@given(
    buckets=st.lists(st.lists(st.integers(0, 29), min_size=2, max_size=8, unique=True), max_size=12)
)
def test_stories_candidate_pairs_are_every_shared_bucket_pair_once(
    buckets: list[list[int]],
) -> None:
    """The story graph's candidate pairs equal the unique pairs of every bucket, in order."""
    from newsdedup.group.stories.graph import _distinct_pairs

    members = np.array([v for b in buckets for v in sorted(b)], np.int64)
    ends = np.cumsum([len(b) for b in buckets]).astype(np.int64)
    starts = ends - np.array([len(b) for b in buckets], np.int64)
    a, b = _distinct_pairs(members, starts, ends, 30)
    expected = sorted({(x, y) for bucket in buckets for x in bucket for y in bucket if x < y})
    assert list(zip(a.tolist(), b.tolist(), strict=True)) == expected


def test_stories_key_terms_are_each_rows_heaviest_with_ties_in_column_order() -> None:
    from newsdedup.group.stories.vectors import SparseRows, StoryVectors, key_terms

    def rows(data: list[list[tuple[int, float]]]) -> SparseRows:
        indptr = np.cumsum([0] + [len(r) for r in data]).astype(np.int64)
        cols = np.array([c for r in data for c, _ in r], np.int32)
        return SparseRows(indptr, cols, np.array([w for r in data for _, w in r]))

    text = rows([[(1, 0.2), (4, 0.5), (7, 0.5)], [], [(2, 0.9)]])
    names = rows([[(3, 0.1)], [(5, 0.3), (6, 0.6)], []])
    vectors = StoryVectors(text=text, names=names, lead=rows([[], [], []]))
    r, c = key_terms(vectors, 2)
    shift = 1 << 31
    assert r.tolist() == [0, 0, 2, 0, 1, 1]
    assert c.tolist() == [4, 7, 2, 3 + shift, 6 + shift, 5 + shift]
