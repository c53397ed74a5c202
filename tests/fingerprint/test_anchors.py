# ruff: noqa: RUF001, RUF003 (look-alike letters are the point of the alphabet below)

"""Anchor keys: the fast form (capital first, cached name keys) gives the keys of the plain
one, written out here as the reference, for any text."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from newsdedup.fingerprint.anchor_scan import scan_spans
from newsdedup.fingerprint.anchors import anchor_keys, anchor_keys_batch, skeleton

_NUMBER = re.compile(r"\d(?:[\d.,\u00a0\u202f ]*\d)?")
_NAME = re.compile(r"\b[A-ZÀ-ÞА-ЯЁЄІЇҐЂЈЉЊЋЏΑ-Ω][\w'’-]+|\b[A-Z]{2,}\b")
#: the name pattern with its capital first, as anchor_scan.py scans it
_NAME_FAST = re.compile(r"[A-ZÀ-ÞА-ЯЁЄІЇҐЂЈЉЊЋЏΑ-Ω](?<=\b.)[\w'’-]+")
_SEPARATORS = re.compile(r"[.,\u00a0\u202f ]")


def reference_keys(text: str) -> NDArray[np.uint64]:
    """anchor_keys as first written: a leading word boundary, every match's key hashed."""
    text = unicodedata.normalize("NFKC", text)
    keys: set[str] = set()
    for m in _NUMBER.finditer(text):
        digits = _SEPARATORS.sub("", m.group())
        if len(digits) >= 2:
            keys.add("#" + (digits.lstrip("0")[:12] or "0"))
    for m in _NAME.finditer(text):
        key = skeleton(m.group())
        if key:
            keys.add(key)
    return np.unique(np.array([xxhash.xxh3_64_intdigest(k.encode()) for k in keys], np.uint64))


#: letters, digits, separators and the edges of the name pattern's classes (× and ÷ sit inside
#: À-Þ and outside \w; full-width digits and letters change under NFKC)
_ALPHABET = "aAbZzéÉ×÷ÞßПутинΩω'’-_0129٣ .,\u00a0\u202f\n!#£１Ａ"
texts = st.text(alphabet=_ALPHABET, max_size=60) | st.text(max_size=40)


@settings(max_examples=500, deadline=None)
@given(texts)
def test_anchor_keys_equal_the_reference(text: str) -> None:
    assert np.array_equal(anchor_keys(text), reference_keys(text))


def test_anchor_keys_of_names_numbers_and_acronyms() -> None:
    text = "NHK: 1,000 soldiers, Putin and Covid-19 in Jean-Pierre's 2024 x-Berlin"
    assert np.array_equal(anchor_keys(text), reference_keys(text))
    cyrillic = anchor_keys("Путин и 1 000 солдат")
    assert len(np.intersect1d(anchor_keys(text), cyrillic)) == 2  # ptn and #1000


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, max_size=6))
def test_anchor_keys_batch_equals_each_text_alone(batch: list[str]) -> None:
    """The compiled scan of a batch (texts joined by newlines) keys each text as the regexes
    key it alone: no match crosses from one text into the next."""
    found = anchor_keys_batch(batch)
    assert len(found) == len(batch)
    for text, keys in zip(batch, found, strict=True):
        assert np.array_equal(keys, reference_keys(text))


@settings(max_examples=300, deadline=None)
@given(texts)
def test_scan_spans_are_the_regex_matches(text: str) -> None:
    """The compiled one-pass scan finds the name pattern's matches and the number pattern's,
    each in the regex engine's order."""
    _, starts, ends, number = scan_spans(text)
    assert np.all(np.diff(starts) > 0)  # in order of their starts, none twice
    spans = [text[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
    is_number = number.tolist()
    names = [s for s, n in zip(spans, is_number, strict=True) if not n]
    numbers = [s for s, n in zip(spans, is_number, strict=True) if n]
    assert names == _NAME_FAST.findall(text)
    assert numbers == _NUMBER.findall(text)
