from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.errors import ConfigError
from newsdedup.relate.passages import AlignConfig, align, tokenize
from newsdedup.types import Alignment

_VOCAB = [f"{c}{v}{c}o" for c in "bdfgklmnprst" for v in "aeiu"]  # 48 made-up words
_WORDS = st.sampled_from([*_VOCAB[:40], "the", "of", "3,000", "Putin", "\n", "\n\n", ".", '"'])
_TEXTS = st.lists(_WORDS, max_size=120).map(" ".join)


def _check_shape(al: Alignment, a: str, b: str) -> None:
    """Passages in order in both texts, not overlapping, inside both texts."""
    for p in al.passages:
        assert 0 <= p.a_start < p.a_end <= len(a) and 0 <= p.b_start < p.b_end <= len(b)
        assert 0.0 < p.similarity <= 1.0
    for p, q in zip(al.passages, al.passages[1:], strict=False):
        assert p.a_end <= q.a_start and p.b_end <= q.b_start
    for s in al.spans:
        text = a if s.kind == "inserted" else b
        assert s.text == text[s.start : s.end] and s.text.strip() == s.text != ""
    assert 0.0 <= al.coverage_a <= 1.0 and 0.0 <= al.coverage_b <= 1.0


@pytest.mark.parametrize("seed", range(6))
def test_passages_planted_edits_are_found_at_their_offsets(
    planted_pair: Callable[[int], Any], seed: int
) -> None:
    pair = planted_pair(seed)
    al = align(pair.a, pair.b)
    assert [(s.start, s.end) for s in al.spans if s.kind == "inserted"] == list(pair.inserted)
    assert [(s.start, s.end) for s in al.spans if s.kind == "deleted"] == list(pair.deleted)
    assert [(c.a, c.b, c.unit) for c in al.changes] == [
        (*n, "square kilometers") for n in pair.numbers
    ]
    change = al.changes[0]
    assert pair.a[change.a_start : change.a_end] == change.a
    assert pair.b[change.b_start : change.b_end] == change.b
    _check_shape(al, pair.a, pair.b)


def test_passages_planted_caption_splits_the_passage(
    planted_pair: Callable[[int], Any],
) -> None:
    pair = planted_pair(0)
    al = align(pair.a, pair.b)
    ((ins_start, _),) = pair.inserted
    assert any(p.a_end < ins_start for p in al.passages)
    assert any(p.a_start > ins_start for p in al.passages)
    assert al.coverage_a == pytest.approx(1 - 9 / len(tokenize(pair.a)))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_passages_text_aligned_with_itself_is_one_passage(text: str) -> None:
    al = align(text, text)
    assert al.spans == () and al.changes == ()
    if len(tokenize(text)) == 0:
        assert al.passages == () and al.coverage_a == 0.0
        return
    (p,) = al.passages
    assert (p.a_start, p.a_end) == (p.b_start, p.b_end) and p.similarity == 1.0
    assert al.coverage_a == al.coverage_b == 1.0


@settings(max_examples=60, deadline=None)
@given(_TEXTS, _TEXTS)
def test_passages_swapping_texts_mirrors_the_result(a: str, b: str) -> None:
    forward, backward = align(a, b), align(b, a)
    assert [(p.b_start, p.b_end, p.a_start, p.a_end, p.similarity) for p in backward.passages] == [
        (p.a_start, p.a_end, p.b_start, p.b_end, p.similarity) for p in forward.passages
    ]
    flip = {"inserted": "deleted", "deleted": "inserted"}
    assert {(flip[s.kind], s.start, s.end) for s in backward.spans} == {
        (s.kind, s.start, s.end) for s in forward.spans
    }
    assert [(c.kind, c.b, c.a, c.b_start, c.a_start) for c in backward.changes] == [
        (c.kind, c.a, c.b, c.a_start, c.b_start) for c in forward.changes
    ]
    assert (backward.coverage_a, backward.coverage_b) == (forward.coverage_b, forward.coverage_a)


@settings(max_examples=80, deadline=None)
@given(_TEXTS, _TEXTS)
def test_passages_are_ordered_disjoint_and_in_bounds(a: str, b: str) -> None:
    _check_shape(align(a, b), a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("", ""), ("", "one two three"), ("word", "word"), ("word", "other"), (" \n ", "x")],
)
def test_passages_tiny_and_empty_texts(a: str, b: str) -> None:
    al = align(a, b)
    _check_shape(al, a, b)
    assert len(al.passages) == (1 if a == b == "word" else 0)


def test_passages_texts_with_no_overlap_share_nothing() -> None:
    a, b = " ".join(_VOCAB[:24]), " ".join(_VOCAB[24:])
    al = align(a, b)
    assert al.passages == () and al.coverage_a == al.coverage_b == 0.0
    assert [(s.kind, s.text) for s in al.spans] == [("inserted", a), ("deleted", b)]


def test_passages_long_texts_align_in_time(make_words: Callable[[int, int], list[str]]) -> None:
    words = make_words(50_000, 3)
    a = "\n".join(" ".join(words[k : k + 25]) for k in range(0, len(words), 25))
    b = a.replace(words[1000], "changed", 1) + "\nsome tail words only here"
    al = align(a, b)
    assert al.coverage_a > 0.99 and al.coverage_b > 0.99
    assert al.spans[-1].kind == "deleted" and al.spans[-1].text == "some tail words only here"


def test_passages_russian_words() -> None:
    b = (
        "Президент России Владимир Путин встретился "
        "с лидером Китая Си Цзиньпином в Самарканде."  # noqa: RUF001
    )
    a = "Вчера.\n" + b.replace("встретился", "увиделся")
    al = align(a, b)
    (p,) = al.passages
    assert a[p.a_start : p.a_end] == a[7:]
    assert [s.text for s in al.spans] == ["Вчера."]


def test_passages_chinese_is_split_per_character() -> None:
    assert tokenize("习近平会见普京").norm == list("习近平会见普京")
    b = "中国国家主席习近平在撒马尔罕会见俄罗斯总统普京。双方讨论了乌克兰局势。"
    a = "新华社消息。\n" + b
    al = align(a, b)
    assert al.coverage_b == 1.0
    assert [s.text for s in al.spans] == ["新华社消息。"]


def test_passages_words_keep_original_offsets() -> None:
    text = "\uff26\uff55\uff4c\uff4c width and “quoted” 6,000 km2 2022-09-14 ŒUVRE"
    t = tokenize(text)
    assert [text[s:e] for s, e in zip(t.starts, t.ends, strict=True)] == [
        "\uff26\uff55\uff4c\uff4c", "width", "and", "quoted", "6,000", "km2", "2022-09-14", "ŒUVRE"
    ]  # fmt: skip
    assert t.norm[0] == "full" and t.norm[-1] == "œuvre"


@pytest.mark.parametrize(
    ("name", "value"), [("ngrams", ()), ("max_gap", 0), ("min_line_share", 1.5)]
)
def test_passages_config_rejects_bad_values(name: str, value: object) -> None:
    with pytest.raises(ConfigError, match=f"The '{name}' parameter of AlignConfig must be"):
        AlignConfig(**{name: value})  # type: ignore[arg-type]
