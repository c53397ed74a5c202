"""The ground-truth helpers: pair sets, pair kinds and the calibration measures."""

from __future__ import annotations

import pytest

from newsdedup.synth import (
    SynthCorpus,
    TruthRecord,
    containment,
    jaccard,
    normalize,
    pair_kind,
    word_ngrams,
)


def _record(
    id_: str, story: str, cluster: str, kind: str, parent: str | None = None
) -> TruthRecord:
    edit = None if kind == "original" else kind
    return TruthRecord(
        id=id_, story=story, topic="t1", cluster=cluster, kind=kind, parent=parent, edit=edit
    )


def _toy() -> SynthCorpus:
    """Story s1: original a1 with a near copy a2 and a rewrite a3 of a2; original a4.
    Story s2: original a5 with an exact copy a6."""
    truth = [
        _record("a1", "s1", "a1", "original"),
        _record("a2", "s1", "a1", "near", "a1"),
        _record("a3", "s1", "a1", "rewrite", "a2"),
        _record("a4", "s1", "a4", "original"),
        _record("a5", "s2", "a5", "original"),
        _record("a6", "s2", "a5", "exact", "a5"),
    ]
    return SynthCorpus([], truth)


def test_truth_copy_pairs_are_every_pair_of_each_cluster() -> None:
    assert _toy().copy_pairs() == {("a1", "a2"), ("a1", "a3"), ("a2", "a3"), ("a5", "a6")}


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ({"exact"}, {("a5", "a6")}),
        ({"near"}, {("a1", "a2")}),
        ({"rewrite"}, {("a1", "a3"), ("a2", "a3")}),
        ({"near", "exact"}, {("a1", "a2"), ("a5", "a6")}),
        ({"excerpt"}, set()),
    ],
)
def test_truth_copy_pairs_filter_by_the_farther_kind(
    kinds: set[str], expected: set[tuple[str, str]]
) -> None:
    assert _toy().copy_pairs(kinds) == expected


def test_truth_same_story_pairs_exclude_copy_pairs() -> None:
    assert _toy().same_story_pairs() == {("a1", "a4"), ("a2", "a4"), ("a3", "a4")}


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("original", "near", "near"),
        ("exact", "original", "exact"),
        ("near", "rewrite", "rewrite"),
        ("excerpt", "near", "excerpt"),
        ("rewrite", "excerpt", "rewrite"),
    ],
)
def test_truth_pair_kind_is_the_farther_relation(a: str, b: str, expected: str) -> None:
    assert pair_kind(a, b) == expected == pair_kind(b, a)


def test_truth_normalize_undoes_case_quotes_and_spacing() -> None:
    messy = "  \u201cHello\u201d,\u00a0World\u2019s\r\n\r\nEND "
    assert normalize(messy) == normalize('"hello", world\'s end')


def test_truth_word_ngrams_and_scores() -> None:
    a = word_ngrams("one two three four", 3)
    b = word_ngrams("One, two three four five.", 3)
    assert a == {("one", "two", "three"), ("two", "three", "four")}
    assert jaccard(a, b) == pytest.approx(2 / 3)
    assert containment(a, b) == 1.0
    assert containment(b, a) == pytest.approx(2 / 3)
    assert jaccard(set(), set()) == 1.0
