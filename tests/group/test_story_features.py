"""Story features and the story cut: the name reader agrees with its first, plainer version on
generated and varied text, each row's heaviest terms agree with the three-key sort they were
first found by, and stories never reach past the strong edges (the living index clusters those
components only)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.config import StoriesConfig
from newsdedup.fingerprint.stopwords import stopwords
from newsdedup.fingerprint.terms import content_terms, dates_of
from newsdedup.group.stories.find import publication_order
from newsdedup.group.stories.graph import (
    StoryEdges,
    cluster,
    cluster_stories,
    story_edges,
    strong_edges,
)
from newsdedup.group.stories.vectors import (
    _RARITY,
    _by_weight,
    _heaviest,
    spelled_names,
    story_features,
    story_text,
    story_vectors,
    voice_labels,
)
from newsdedup.synth import generate_corpus

_TOKEN = re.compile(r"[^\W\d_][\w'\u2019.-]*|\d+(?:[.,]\d+)*")
_SENTENCE = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+|\n+")
_SPLIT_DECIMAL = re.compile(r"(\d)\. (\d)")
_STOP = frozenset(stopwords("en"))


def _reference_names(text: str) -> Iterator[tuple[str, str]]:
    """``spelled_names`` as first written (one token at a time), the rule it must keep."""
    for sentence in _SENTENCE.split(_SPLIT_DECIMAL.sub(r"\1.\2", text)):
        tokens = _TOKEN.findall(sentence)
        shouted = sum(map(str.isupper, tokens)) > 0.6 * max(1, len(tokens))
        opening = True
        for token in tokens:
            if token[0].isdigit():
                number = token.replace(",", "")
                yield number, number
            elif not opening and not shouted and token[0].isupper():
                surface = token.rstrip(".")
                if surface[-2:] in ("'s", "\u2019s"):
                    surface = surface[:-2]
                word = surface.lower()
                if len(word) > 1 and word not in _STOP:
                    yield word, surface
            opening = False
    for day in dates_of(text):
        yield f"@{day}", day


_CORNERS = [
    "He said.' Then Mr. Smith left!' \"Who?\" asked O'Brien's aide. 4. 6 percent, 1,200 people.",
    "THE PRESIDENT SAYS 2024 WAS GOOD. But Obama disagrees.\n\nÉcole \u01c4emal \u01c5emal 3rd",
    "U.S. x_Abc _Abc said.'' Next a.'b.' c d.\u2019) E. \u2019Tis Paris\u2019s mayor",
    "on Thursday Sep 15. Sept. 3 4.5 4,5.6 ,7 A.B.C.'s I'm.",
    "",
    "   ",
    "A",
    "5",
    "I met Ann. I MET ANN AND BOB 5 TIMES. Hidalgo\u2019s team, (Reuters) - Berlin.",
    "x\n. Yes\n.\nNo Way... Then Ann.) Bob! 'Carl?' Dee.\u2019 Eve.\n\n Fay.Gus. iPhone Hal",
    "ANN.BOB CARL.\nDEE 4.\n5 Eve Jo.. Kim.!  Lee ?Max",
]


def test_story_features_names_equal_reference_on_generated_and_corner_texts() -> None:
    texts = [story_text(a) for a in generate_corpus(150, seed=11).articles] + _CORNERS
    for text in texts:
        assert spelled_names(text) == list(_reference_names(text)), text


_ALPHABET = "aBcDeXyZ \u00c9\u00e9\u01c5\u00df_019.,!?'\u2019\"\u201d)(-\n\t"
#: ``_ALPHABET`` and what a word test could get wrong: a combining accent (no letter), a
#: superscript digit and a Roman numeral (word characters, no letters, no decimal digits), a
#: circled letter (lower case, no word character), other apostrophes and dashes, no-break and
#: other spaces, a non-Latin script
_TERM_ALPHABET = _ALPHABET + "\u0301\u00b2\u216b\u24d0\u2018\u201c\u2014\u2013\u00a0\u2009"
_TERM_ALPHABET += "\u0436\u4e00\u00ab:;"


@settings(max_examples=400)
@given(st.text(alphabet=_ALPHABET, max_size=160))
def test_story_features_names_equal_reference_on_any_text(text: str) -> None:
    assert spelled_names(text) == list(_reference_names(text))


_WORD = re.compile(r"[^\W\d_]{3,}(?:['\u2019][^\W\d_]+)?")


def _reference_terms(text: str) -> list[tuple[str, int]]:
    """``content_terms`` as first written (one regex over the whole text), in its order."""
    out: dict[str, int] = {}
    for word in _WORD.findall(text.lower()):
        if word[-2:] in ("'s", "\u2019s"):
            word = word[:-2]
            if len(word) < 3:
                continue
        if word not in _STOP:
            out[word] = out.get(word, 0) + 1
    return list(out.items())


_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_MONTH_DAY = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2})\b(?!\s*[,.]?\d)"
)


def _reference_dates(text: str) -> set[str]:
    """``dates_of`` as first written (a word boundary before the day's name or the month)."""
    found = {m.lower() for m in _WEEKDAY.findall(text)}
    found.update(f"{month.lower()} {int(day)}" for month, day in _MONTH_DAY.findall(text))
    return found


#: pieces that make and break dates: months and weekdays whole, cut, glued to a word or a
#: number, followed by days of one to three digits, decimals, commas and other spaces
_DATE_PIECES = [
    *("Jan", "Sep", "Sept.", "September", "May", "Dec", "Mar", "March", "Ju", "xJun", "_Oct"),
    *("éNov", "2Feb", "Thursday", "thursday", "Sunday", "xMonday", "Fridays", "day"),
    *("15", "3", "31", "123", "4.5", ",7", " ", "  ", "\n", "\u00a0", ".", ",", "-", "'", "a"),
]


@settings(max_examples=600)
@given(st.lists(st.sampled_from(_DATE_PIECES), max_size=14))
def test_story_features_dates_equal_reference(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert dates_of(text) == _reference_dates(text)


def test_story_features_dates_equal_reference_on_generated_texts() -> None:
    texts = [story_text(a) for a in generate_corpus(150, seed=12).articles] + _CORNERS
    assert any(dates_of(t) for t in texts)
    for text in texts:
        assert dates_of(text) == _reference_dates(text), text


def test_story_features_terms_equal_reference_on_generated_and_corner_texts() -> None:
    texts = [story_text(a) for a in generate_corpus(150, seed=11).articles] + _CORNERS
    for text in texts:
        assert list(content_terms(text).items()) == _reference_terms(text), text


@settings(max_examples=400)
@given(st.text(alphabet=_TERM_ALPHABET, max_size=160))
def test_story_features_terms_equal_reference_on_any_text(text: str) -> None:
    assert list(content_terms(text).items()) == _reference_terms(text)


def _corpus_edges(n: int, config: StoriesConfig) -> tuple[int, StoryEdges]:
    articles = list(generate_corpus(n, seed=5).articles)
    order, _ = publication_order(articles, config)
    ordered = [articles[i] for i in order]
    days = np.array([a.published.timestamp() / 86400.0 if a.published else np.nan for a in ordered])
    return len(ordered), story_edges(story_vectors(ordered), days, config)


def test_story_features_stories_stay_inside_strong_components() -> None:
    """Clustering each component of the strong edges alone, with every edge between its
    voices, gives the stories of clustering the whole graph (what an index add relies on)."""
    config = StoriesConfig()
    n, edges = _corpus_edges(400, config)
    story, _ = cluster(n, edges, config)
    strong = strong_edges(edges, config)
    component = np.arange(n)
    for a, b in sorted(zip(edges.a[strong].tolist(), edges.b[strong].tolist(), strict=True)):
        _union(component, a, b)
    roots = np.array([_find(component, x) for x in range(n)])
    heads, sizes = np.unique(roots, return_counts=True)
    assert 1 < len(heads) < n  # stories of several voices, and several components
    same = roots[edges.a] == roots[edges.b]
    for root in heads[sizes > 1].tolist():
        members = np.flatnonzero(roots == root)
        inside = same & (roots[edges.a] == root)
        sub = StoryEdges(
            np.searchsorted(members, edges.a[inside]),
            np.searchsorted(members, edges.b[inside]),
            edges.similarity[inside],
            edges.near[inside],
        )
        alone = cluster_stories(len(members), sub, config)
        assert members[alone].tolist() == story[members].tolist()


def _find(parent: np.ndarray, x: int) -> int:
    while parent[x] != x:
        x = int(parent[x])
    return x


def _union(parent: np.ndarray, a: int, b: int) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    parent[max(ra, rb)] = min(ra, rb)


def test_story_features_labels_equal_labels_read_alone() -> None:
    """The label words are cut from the text channel's heaviest terms; read alone
    (``voice_labels``, as an index reads a voice stored by an older version) they are the
    same."""
    articles = list(generate_corpus(60, seed=3).articles)
    for max_terms, size in ((100, 6), (4, 6), (3, 2)):
        _, labels = story_features(articles, max_terms, size)
        alone = voice_labels(articles, size)
        for row in range(len(articles)):
            assert labels.of(row) == alone.of(row)


def _reference_heaviest(
    counts: list[dict[str, int]], k: int, sublinear: bool
) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """``_heaviest`` as first written: every term looked up, three sorts."""
    sizes = np.array([len(c) for c in counts], np.int64)
    terms = [t for c in counts for t in c]
    if not terms:
        return np.empty(0, np.int64), np.empty(0, np.int64), [], np.empty(0)
    weight = np.array([_RARITY[t] for t in terms], np.float64)
    if sublinear:
        weight *= 1.0 + np.log(np.array([v for c in counts for v in c.values()], np.float64))
    row = np.repeat(np.arange(len(counts), dtype=np.int64), sizes)
    rank_of = {t: r for r, t in enumerate(sorted(set(terms)))}
    order = np.lexsort((np.array([rank_of[t] for t in terms]), -weight, row))
    row, weight = row[order], weight[order]
    starts = np.concatenate(([0], np.cumsum(sizes)))
    place = np.arange(len(row)) - starts[row]
    kept = place < k
    return row[kept], place[kept], [terms[i] for i in order[kept].tolist()], weight[kept]


# listed words of one rarity and unlisted ones (all at the floor): weights tie often
_TERMS = ["the", "bank", "banks", "paris", "obama", "zzq", "zzr", "qxj", "\u00e9t\u00e9", "2024"]


@settings(max_examples=200)
@given(
    st.lists(st.dictionaries(st.sampled_from(_TERMS), st.integers(1, 4), max_size=8), max_size=6),
    st.integers(1, 9),
    st.booleans(),
)
def test_story_features_heaviest_terms_equal_the_three_key_sort(
    counts: list[dict[str, int]], k: int, sublinear: bool
) -> None:
    got, want = _heaviest(counts, k, sublinear), _reference_heaviest(counts, k, sublinear)
    assert got[2] == want[2]
    for a, b in zip(got[:2] + got[3:], want[:2] + want[3:], strict=True):
        np.testing.assert_array_equal(a, b)


@settings(max_examples=100)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.sampled_from([0.0, -0.0, 1.5, 2.25, 7.0])), max_size=40
    ),
    st.integers(0, 2**40),
)
def test_story_features_weight_order_is_the_lexsort(
    cells: list[tuple[int, float]], ranks: int
) -> None:
    """The one-key sort, and the three sorts it falls back to where the key would not fit in
    62 bits (``ranks`` up to 2**60), equal ``np.lexsort``; -0.0 ties 0.0 in both."""
    cells = sorted(cells, key=lambda c: c[0])
    if not cells:
        return
    row = np.array([r for r, _ in cells], np.int64)
    weight = np.array([w for _, w in cells], np.float64)
    rank = np.arange(len(cells), dtype=np.int64)[::-1] + ranks  # once per row, not in order
    want = np.lexsort((rank, -weight, row))
    np.testing.assert_array_equal(_by_weight(row, weight, rank, ranks + len(cells)), want)
