"""Text normalisation, so that copies differing only in encoding details hash alike."""

from __future__ import annotations

import functools
import unicodedata

import numpy as np
from numpy.typing import NDArray

from newsdedup.config import NormalizeConfig

__all__ = ["fold_chars", "normalize", "prenormalize", "stable_chars"]

_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4"
_DQUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u2039\u203a"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"
_SPACES = "\u0085\u1680\u2028\u2029"  # whitespace to str.split() that NFKC keeps
_PUNCT = {
    **dict.fromkeys(_QUOTES, "'"),
    **dict.fromkeys(_DQUOTES, '"'),
    **dict.fromkeys(_DASHES, "-"),
}
_DEFAULT = NormalizeConfig()


def prenormalize(text: str, config: NormalizeConfig = _DEFAULT) -> str:
    """NFKC and case folding of non-ASCII text: the part of ``normalize`` the compiled kernel
    cannot do on bytes. The kernel folds ASCII case, unifies punctuation and collapses
    whitespace itself (fingerprint/kernels.py: ``_plain``, ``_scan``), so ASCII text needs
    nothing here."""
    if text.isascii():
        return text
    if config.nfkc and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if config.casefold:
        text = text.casefold()
    return text


#: Conjoining Hangul jamo: they compose with their neighbours by rule, not by the tables.
_JAMO = ((0x1100, 0x11FF), (0xA960, 0xA97F), (0xD7B0, 0xD7FF))


@functools.cache
def stable_chars() -> NDArray[np.bool_]:
    """Which code points below U+10000 prenormalize leaves as they are in any text made only of
    them and ASCII (ASCII case aside, which the kernel folds): curly quotes, dashes, "é", "€";
    not "É", "ß", "…" (NFKC: "...") or a combining accent.

    Such a character has no case to fold and no compatibility form, and is neither a mark
    (every second character of a canonical composition is one: tests/clean check it, so
    nothing composes with what precedes it and nothing reorders) nor a conjoining jamo. 93% of
    the generated benchmark's texts are ASCII but for such punctuation, and casefolding them
    cost about 25 us each (fingerprint/batch.py).
    """
    table = np.zeros(0x10000, np.bool_)
    for cp in range(0x80, 0x10000):
        c = chr(cp)
        table[cp] = (
            unicodedata.category(c)[0] not in "MC"  # marks, controls, surrogates, unassigned
            and not any(lo <= cp <= hi for lo, hi in _JAMO)
            and c.casefold() == c
            and unicodedata.normalize("NFKC", c) == c
        )
    return table


@functools.cache
def fold_chars() -> NDArray[np.int32]:
    """What prenormalize with case folding makes of each code point below U+10000 in a text
    made only of such characters and ASCII: the code point itself for a stable one, its case
    fold for a capital whose fold is one character of as many UTF-8 bytes ("É" -> "é", "Д" ->
    "д", "Ё" -> "ё"), -1 for any other (ASCII included: the kernel folds it).

    A capital here is no mark, no control and no jamo and NFKC keeps it, so, as for the stable
    characters, nothing composes with it and the text stays NFKC-normalised; ``str.casefold``
    is a per-character map, so folding character by character gives what prenormalize gives.
    The fingerprint kernel's input is then the text's own bytes, folded in place
    (kernels.fold_texts): the Cyrillic benchmark corpus's every text opened with a capital and
    went through prenormalize and a second encoding.
    """
    stable = stable_chars()
    table = np.full(0x10000, -1, np.int32)
    for cp in range(0x80, 0x10000):
        c = chr(cp)
        if stable[cp]:
            table[cp] = cp
            continue
        fold = c.casefold()
        if (
            len(fold) == 1
            and (ord(fold) < 0x800) == (cp < 0x800)
            and ord(fold) >= 0x80
            and unicodedata.category(c)[0] not in "MC"
            and not any(lo <= cp <= hi for lo, hi in _JAMO)
            and unicodedata.normalize("NFKC", c) == c
        ):
            table[cp] = ord(fold)
    return table


def normalize(text: str, config: NormalizeConfig = _DEFAULT) -> str:
    """The full normalised form: the text exact hashing and tokenising see."""
    text = prenormalize(text, config)
    for char in _SPACES:
        if char in text:
            text = text.replace(char, " ")
    if config.unify_punctuation:
        for char, plain in _PUNCT.items():
            if char in text:
                text = text.replace(char, plain)
    if config.casefold and text.isascii():
        text = text.lower()
    if config.collapse_whitespace:
        text = " ".join(text.split())
    return text
