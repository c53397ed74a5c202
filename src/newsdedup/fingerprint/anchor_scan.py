"""The anchor patterns' matches (fingerprint/anchors.py) found by a compiled scan of code points.

Python's regex engine costs about 16 ns a character on news text (two patterns, 90 us an
article): the translation stage pays it for every copy group's representative of a corpus that
shows a second language, however few its articles. Here one numba loop finds, for a whole batch
of texts, the spans that ``_NAME.findall`` and ``_NUMBER.findall`` return. Each character class
of the two patterns is read off the patterns themselves (the regex engine applied once to every
code point), so the classes cannot drift from the regexes, and the scan follows the regex
engine's leftmost, greedy search:

- a name starts at a capital of its class with a word boundary before it (``(?<=\\b.)``) and
  takes the longest run of name characters after it (at least one);
- a number starts at a decimal digit and runs through digits and separators to the last digit
  of that run.
"""

from __future__ import annotations

import re
import sys
from functools import cache

import numba as nb
import numpy as np
from numpy.typing import NDArray

__all__ = ["CAPITAL", "NAME_BODY", "NUMBER_BODY", "NUMBER_SEPARATORS", "scan_spans"]

#: The anchor patterns' classes (fingerprint/anchors.py writes the patterns from these).
CAPITAL = "[A-ZÀ-ÞА-ЯЁЄІЇҐЂЈЉЊЋЏΑ-Ω]"
NAME_BODY = r"[\w'’-]"  # noqa: RUF001 (the typographic apostrophe)
#: what a number holds between its digits (dropped from them for its key: anchors.py)
NUMBER_SEPARATORS = ".,\u00a0\u202f "
NUMBER_BODY = rf"[\d{NUMBER_SEPARATORS}]"

_WORD, _DIGIT, _CAP, _NAME, _NUM = 1, 2, 4, 8, 16


@cache
def _classes() -> NDArray[np.uint8]:
    """Each code point's classes as bits, found by the regex engine itself (``\\w`` for word
    boundaries, ``\\d``, and the three classes above)."""
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    table = np.zeros(sys.maxunicode + 1, np.uint8)
    for bit, pattern in (
        (_WORD, r"\w"),
        (_DIGIT, r"\d"),
        (_CAP, CAPITAL),
        (_NAME, NAME_BODY),
        (_NUM, NUMBER_BODY),
    ):
        hits = [m.start() for m in re.finditer(pattern, every)]
        table[np.array(hits, np.int64)] |= bit
    return table


def code_points(text: str) -> NDArray[np.uint32]:
    """The text's code points (lone surrogates included), one per ``str`` index."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)


def scan_spans(
    text: str,
) -> tuple[NDArray[np.uint32], NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
    """The text's code points and its name and number matches (``_NAME_FAST``'s and
    ``_NUMBER``'s in anchors.py), in order of their starts: one pass over the text."""
    cps = code_points(text)
    starts, ends, number = _scan(cps, _classes())
    return cps, starts, ends, number


@nb.njit(cache=True)
def _scan(
    cps: NDArray[np.uint32], table: NDArray[np.uint8]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:  # pragma: no cover
    """The name and the number searches in one pass: each resumes where its last match ended."""
    n = len(cps)
    starts = np.empty(n, np.int64)
    ends = np.empty(n, np.int64)
    number = np.zeros(n, np.bool_)
    m = 0
    name_from = 0  # where the name search resumes
    number_from = 0  # and the number search
    before = False  # whether the code point before i is a word character
    for i in range(n):
        c = table[cps[i]]
        if i >= name_from and c & _CAP and before != ((c & _WORD) != 0):
            k = i + 1
            while k < n and table[cps[k]] & _NAME:
                k += 1
            if k > i + 1:
                starts[m], ends[m] = i, k
                m += 1
                name_from = k
        if i >= number_from and c & _DIGIT:
            last = i
            k = i + 1
            while k < n and table[cps[k]] & _NUM:
                if table[cps[k]] & _DIGIT:
                    last = k
                k += 1
            starts[m], ends[m], number[m] = i, last + 1, True
            m += 1
            number_from = last + 1
        before = (c & _WORD) != 0
    return starts[:m], ends[:m], number[:m]
