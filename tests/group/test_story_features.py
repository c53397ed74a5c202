"""Story features and the story cut: the name reader agrees with its first, plainer version on
generated and varied text, and stories never reach past the strong edges (the living index
clusters those components only)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.config import StoriesConfig
from newsdedup.fingerprint.stopwords import stopwords
from newsdedup.fingerprint.terms import dates_of
from newsdedup.group.stories.find import publication_order
from newsdedup.group.stories.graph import (
    StoryEdges,
    cluster,
    cluster_stories,
    story_edges,
    strong_edges,
)
from newsdedup.group.stories.vectors import (
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
]


def test_story_features_names_equal_reference_on_generated_and_corner_texts() -> None:
    texts = [story_text(a) for a in generate_corpus(150, seed=11).articles] + _CORNERS
    for text in texts:
        assert spelled_names(text) == list(_reference_names(text)), text


_ALPHABET = "aBcDeXyZ \u00c9\u00e9\u01c5\u00df_019.,!?'\u2019\"\u201d)(-\n\t"


@settings(max_examples=200)
@given(st.text(alphabet=_ALPHABET, max_size=80))
def test_story_features_names_equal_reference_on_any_text(text: str) -> None:
    assert spelled_names(text) == list(_reference_names(text))


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
