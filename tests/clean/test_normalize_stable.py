"""stable_chars: texts made of them and ASCII are left as they are by prenormalize, ASCII case
aside (which the fingerprint kernel folds), so fingerprinting may skip prenormalize for them."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from newsdedup.clean.normalize import fold_chars, prenormalize, stable_chars
from newsdedup.config import NormalizeConfig

_STABLE = [chr(cp) for cp in range(0x10000) if stable_chars()[cp]]


def _ascii_lower(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text)


def test_normalize_stable_ascii_is_stable_and_common_punctuation_too() -> None:
    table = stable_chars()
    assert table[:0x80].sum() == 0  # ASCII is stable by definition, not by the table
    assert all(table[ord(c)] for c in "\u2018\u2019\u201c\u201d\u2013\u2014\u00e9\u20ac\u00a3")
    assert not any(table[ord(c)] for c in "\u00c9\u00df\u2026\u00a0\u0301\u1161\ud800\ufb01")


def test_normalize_stable_no_composition_ends_in_a_stable_character() -> None:
    # what makes texts of stable characters (and fold_chars' capitals) NFKC-normalised: nothing
    # composes with a predecessor
    table, folds = stable_chars(), fold_chars()
    for cp in range(0x110000):
        parts = unicodedata.decomposition(chr(cp)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            second = int(parts[1], 16)
            assert second >= 0x80 and (second >= 0x10000 or not table[second]), hex(cp)
            assert second >= 0x10000 or folds[second] < 0, hex(cp)


def test_normalize_stable_every_stable_character_in_context() -> None:
    for c in _STABLE:
        text = f"Ab{c}Cd{c}{c} E{c}"
        assert prenormalize(text) == _ascii_lower(text), hex(ord(c))


@given(
    text=st.text(
        alphabet=st.one_of(st.characters(max_codepoint=0x7F), st.sampled_from(_STABLE)),
        max_size=60,
    ),
    nfkc=st.booleans(),
    casefold=st.booleans(),
)
def test_normalize_stable_texts_are_left_as_they_are(text: str, nfkc: bool, casefold: bool) -> None:
    config = NormalizeConfig(nfkc=nfkc, casefold=casefold)
    out = prenormalize(text, config)  # ASCII text comes back as it is, cased
    assert (_ascii_lower(out) == _ascii_lower(text)) if casefold else (out == text)


_FOLDED = [chr(cp) for cp in range(0x80, 0x10000) if fold_chars()[cp] >= 0]


def test_normalize_stable_fold_chars_holds_the_stable_characters_and_simple_capitals() -> None:
    table = fold_chars()
    assert all(table[cp] == cp for cp in range(0x10000) if stable_chars()[cp])
    assert [chr(table[ord(c)]) for c in "\u00c9\u0414\u0401\u03a3\u0178"] == list("éдёσÿ")
    # "ß" folds to two letters, "İ" to a letter and a mark, "µ" and "K" (Kelvin) change under
    # NFKC, the long s (U+017F) folds to ASCII: each is prenormalize's
    assert all(table[ord(c)] == -1 for c in "\u00df\u0130\u00b5\u212a\u017f\u0301")


def test_normalize_stable_every_folded_character_in_context() -> None:
    table = fold_chars()
    for c in _FOLDED:
        text = f"Ab{c}Cd{c}{c} E{c}"
        want = _ascii_lower(text.replace(c, chr(table[ord(c)])))
        assert _ascii_lower(prenormalize(text)) == want, hex(ord(c))
        nfkc_only = NormalizeConfig(casefold=False)
        assert prenormalize(text, nfkc_only) == text, hex(ord(c))  # NFKC keeps capitals
