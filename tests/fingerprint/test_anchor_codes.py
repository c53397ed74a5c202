# ruff: noqa: RUF001 (look-alike letters are the point of the alphabet below)

"""fingerprint/anchor_codes.py: every span's compiled code stands for the key that the Python
rules (``skeleton``, the number rule) give the span's text, or for none, for any text; and a
batch's keys are those of the Python path it replaced (kept here as the reference)."""

from __future__ import annotations

import unicodedata

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from newsdedup.fingerprint import anchors
from newsdedup.fingerprint.anchor_codes import NO_KEY, SLOW, code_keys, span_codes
from newsdedup.fingerprint.anchor_scan import scan_spans

#: capitals and name letters of several scripts, letters the rules rewrite (ph, sch, tsch, x,
#: repeats, vowels), separators, non-ASCII digits, a letter outside the plane, ligatures
_NAMES = "AaBbCcHhPpSsTtXxYyZzQqWwJjEeIiOoUu" + "ÉéßÞþŁłØøÆæŒœİı" + "ПутинЩщЁёЂђ" + "ΣσςΘθΨψ"
_ALPHABET = _NAMES + "'’-_09٣ .,\u00a0\u202f\n𝐀ﬁ①"
texts = st.text(alphabet=_ALPHABET, max_size=80) | st.text(max_size=40)


def _python_key(span: str, number: bool) -> int | None:
    return (anchors._number_key if number else anchors._name_key).__wrapped__(span)


@settings(max_examples=600, deadline=None)
@given(texts)
def test_anchor_codes_stand_for_the_python_keys(text: str) -> None:
    text = unicodedata.normalize("NFKC", text)
    cps, starts, ends, number = scan_spans(text)
    codes = span_codes(cps, starts, ends, number)
    for s, code in enumerate(codes.tolist()):
        expected = _python_key(text[starts[s] : ends[s]], bool(number[s]))
        if code == SLOW:
            continue
        if code == NO_KEY:
            assert expected is None
        else:
            assert int(code_keys(np.array([code], np.int64))[0]) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="PpHhSsCcTtXxAaEeKkQqZzWwJjYyIiOoUu", min_size=1, max_size=14))
def test_anchor_codes_of_latin_names(word: str) -> None:
    """The letter rules on every mix of the letters they rewrite."""
    name = "N" + word
    cps, starts, ends, number = scan_spans(name)
    code = int(span_codes(cps, starts, ends, number)[0])
    expected = _python_key(name, False)
    assert code != SLOW
    assert (code == NO_KEY) == (expected is None)
    if expected is not None:
        assert int(code_keys(np.array([code], np.int64))[0]) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 .,", min_size=1, max_size=30))
def test_anchor_codes_of_numbers(digits: str) -> None:
    text = "1" + digits + "9"
    cps, starts, ends, number = scan_spans(text)
    for s, code in enumerate(span_codes(cps, starts, ends, number).tolist()):
        expected = _python_key(text[starts[s] : ends[s]], True)
        assert (code == NO_KEY) == (expected is None)
        if expected is not None:
            assert int(code_keys(np.array([code], np.int64))[0]) == expected


def _python_batch(texts: list[str]) -> list[NDArray[np.uint64]]:
    """``anchor_keys_batch`` before the codes: every distinct span keyed in Python."""
    normal = [t if t.isascii() else unicodedata.normalize("NFKC", t) for t in texts]
    joined = "\n".join(normal)
    _, starts, ends, number = scan_spans(joined)
    owners: list[list[int]] = [[] for _ in texts]
    text_starts = np.cumsum([0] + [len(t) + 1 for t in normal[:-1]])
    for a, b, is_number in zip(starts.tolist(), ends.tolist(), number.tolist(), strict=True):
        key = _python_key(joined[a:b], is_number)
        if key is not None:
            owners[int(np.searchsorted(text_starts, a, side="right")) - 1].append(key)
    return [np.unique(np.array(k, np.uint64)) for k in owners]


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=1, max_size=6))
def test_anchor_codes_batch_keys_equal_the_python_path(batch: list[str]) -> None:
    for new, old in zip(anchors.anchor_keys_batch(batch), _python_batch(batch), strict=True):
        assert new.tobytes() == old.tobytes()


def test_anchor_codes_cover_the_common_letters() -> None:
    """Latin, Cyrillic and Greek names and ASCII numbers take the compiled path."""
    text = "Путин, Σωκράτης, Jean-Pierre O’Neill, Łódź and Schröder: 1,000.5 and 00."
    cps, starts, ends, number = scan_spans(text)
    codes = span_codes(cps, starts, ends, number)
    assert SLOW not in codes.tolist()
    assert (codes != NO_KEY).sum() >= 6
