"""The anchor keys of the scanned spans (anchor_scan.py) in compiled code: ``skeleton`` and the
number rule (fingerprint/anchors.py) applied to code points, each span's result packed into one
integer code, so that Python hashes a code once per batch instead of slicing and looking up
every distinct spelling (a generated corpus's invented names make most spellings new: 5 us each
in ``skeleton``).

``skeleton`` is a per-character map (lower case, the transliteration table, NFKD, Latin letters
kept: each character's letters do not depend on its neighbours) followed by rules on the
letters; the map is read off ``skeleton``'s own steps for every code point of the name class,
so it cannot drift from them. A span the table does not cover (a code point outside the Basic
Multilingual Plane, a digit that is not ASCII) is coded ``SLOW``: its key comes from the Python
functions. tests/fingerprint/test_anchor_codes.py checks every code against them.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import numba as nb
import numpy as np
import xxhash
from numpy.typing import NDArray

from newsdedup.fingerprint.anchor_scan import NUMBER_SEPARATORS

__all__ = ["NO_KEY", "SLOW", "code_keys", "key_sets", "span_codes"]

NO_KEY = -1  #: a span whose skeleton is too short, or a number of one digit
SLOW = -2  #: a span the compiled rules do not cover
_NUMBER_TAG = 1 << 62  #: a number's code: this bit, and its digits' value (at most 12 digits)
_PLANE = 0x10000  #: code points the letter table covers
_SEPARATORS = tuple(map(ord, NUMBER_SEPARATORS))  #: dropped from a number's digits


@cache
def _letters() -> tuple[NDArray[np.int32], NDArray[np.uint8], int]:
    """For each code point of the plane, where its Latin letters (1-26, then a 0) start in one
    buffer (-1: a code point outside the name class), the buffer, and the most letters a code
    point gives."""
    from newsdedup.fingerprint.anchor_scan import _CAP, _NAME, _classes
    from newsdedup.fingerprint.anchors import _TRANSLIT

    classes = _classes()[:_PLANE]
    starts = np.full(_PLANE, -1, np.int32)
    buffer: list[int] = []
    most = 1
    for cp in np.flatnonzero(classes & (_CAP | _NAME)).tolist():
        latin = unicodedata.normalize("NFKD", chr(cp).lower().translate(_TRANSLIT))
        kept = [ord(c) - 96 for c in latin if "a" <= c <= "z"]
        starts[cp] = len(buffer)
        buffer.extend([*kept, 0])
        most = max(most, len(kept))
    return starts, np.array(buffer, np.uint8), most


def span_codes(
    cps: NDArray[np.uint32],
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    number: NDArray[np.bool_],
) -> NDArray[np.int64]:
    """Each span's code: a name's skeleton packed five bits a letter, a number's kept digits
    as their value with ``_NUMBER_TAG``, or ``NO_KEY``, or ``SLOW``."""
    table, letters, most = _letters()
    return _codes(cps, starts, ends, number, table, letters, most)


def code_keys(codes: NDArray[np.int64]) -> NDArray[np.uint64]:
    """The anchor keys of codes (no ``NO_KEY`` or ``SLOW`` among them), each distinct code
    hashed once (and kept: a corpus repeats its names and numbers)."""
    distinct, inverse = np.unique(codes, return_inverse=True)
    wanted = distinct.tolist()
    found = list(map(_KEYS.get, wanted))
    if None in found:
        for k, code in enumerate(wanted):
            if found[k] is None:
                found[k] = _KEYS[code] = _key(code)
    return np.array(found, np.uint64)[inverse.reshape(-1)]


def key_sets(
    keys: NDArray[np.uint64], owner: NDArray[np.int64], count: int
) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
    """Each of ``count`` texts' distinct keys in increasing order, all in one array, and how
    many each has, from the keys of their spans (``owner``: each one's text, in order)."""
    return _key_sets(keys, owner, count)


@nb.njit(cache=True)
def _key_sets(
    keys: NDArray[np.uint64], owner: NDArray[np.int64], count: int
) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:  # pragma: no cover
    out = np.empty(len(keys), np.uint64)
    sizes = np.zeros(count, np.int64)
    m = 0
    i = 0
    while i < len(keys):
        j = i
        while j < len(keys) and owner[j] == owner[i]:
            j += 1
        held = np.sort(keys[i:j])
        for k in range(len(held)):
            if k == 0 or held[k] != held[k - 1]:
                out[m] = held[k]
                m += 1
                sizes[owner[i]] += 1
        i = j
    return out[:m].copy(), sizes


_KEYS: dict[int, int] = {}  #: each code's key, as ``_key`` makes it


def _key(code: int) -> int:
    """The key a code stands for: xxh3 of the skeleton, or of "#" and the digits."""
    if code & _NUMBER_TAG:
        text = "#" + str(code ^ _NUMBER_TAG)
    else:
        text = ""
        while code:
            text += chr(96 + (code & 31))
            code >>= 5
    return xxhash.xxh3_64_intdigest(text.encode())


@nb.njit(cache=True)
def _codes(
    cps: NDArray[np.uint32],
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    number: NDArray[np.bool_],
    table: NDArray[np.int32],
    letters: NDArray[np.uint8],
    most: int,
) -> NDArray[np.int64]:  # pragma: no cover
    m = len(starts)
    out = np.empty(m, np.int64)
    width = 1
    for s in range(m):
        width = max(width, ends[s] - starts[s])
    buf = np.empty(most * width, np.uint8)  # a name's letters
    tmp = np.empty(most * width, np.uint8)
    for s in range(m):
        if number[s]:
            out[s] = _number_code(cps, starts[s], ends[s])
        else:
            out[s] = _name_code(cps, starts[s], ends[s], table, letters, buf, tmp)
    return out


@nb.njit(inline="always")
def _number_code(cps: NDArray[np.uint32], a: int, b: int) -> int:  # pragma: no cover
    count = 0
    value = 0
    leading = True  # zeros before the first other digit are dropped (lstrip)
    for i in range(a, b):
        c = cps[i]
        if 48 <= c <= 57:
            count += 1
            if leading and c == 48:
                continue
            leading = False
            if value < 100_000_000_000:  # the first twelve kept
                value = value * 10 + (c - 48)
        elif c in _SEPARATORS:
            continue
        else:
            return SLOW  # a digit outside ASCII
    return NO_KEY if count < 2 else _NUMBER_TAG | value


# letters as 1-26
_A, _C, _E, _F, _H, _I, _J, _K, _O, _P, _Q, _S, _T, _U, _V, _W, _X, _Y, _Z = (
    ord(c) - 96 for c in "acefhijkopqstuvwxyz"
)


@nb.njit(inline="always")
def _name_code(
    cps: NDArray[np.uint32],
    a: int,
    b: int,
    table: NDArray[np.int32],
    letters: NDArray[np.uint8],
    buf: NDArray[np.uint8],
    tmp: NDArray[np.uint8],
) -> int:  # pragma: no cover
    n = 0  # the name's Latin letters, as skeleton's first two lines leave them
    h = False
    for i in range(a, b):
        c = cps[i]
        if c >= _PLANE or table[c] < 0:
            return SLOW
        k = table[c]
        while letters[k]:
            tmp[n] = letters[k]
            h |= letters[k] == _H
            n += 1
            k += 1
    if n == 0:
        return NO_KEY
    if h:  # ph, sch and tsch end with an h
        n = _replace(tmp, n, buf, (_P, _H), (_F,))
        n = _replace(buf, n, tmp, (_S, _C, _H), (_S, _H))
        n = _replace(tmp, n, buf, (_T, _S, _C, _H), (_C, _H))
        tmp[:n] = buf[:n]
    # the fold (x: two letters), the first letter and the rest's consonants, runs of one
    # letter as one, five letters kept
    code = 0
    kept = 0
    last = 0
    place = 0  # in the folded letters
    for i in range(n):
        c = int(tmp[i])
        for half in range(2 if c == _X else 1):
            f = _fold(c, half)
            first = place == 0
            place += 1
            if not first and f in (_A, _E, _I, _O, _U, _H):
                continue
            if f == last:
                continue
            code |= f << (5 * kept)
            kept += 1
            last = f
            if kept == 5:
                return code
    return code if kept >= 3 else NO_KEY


@nb.njit(inline="always")
def _fold(c: int, half: int) -> int:  # pragma: no cover
    """A letter as ``anchors._FOLD`` spells it (x: k, then s)."""
    if c in (_C, _Q):
        return _K
    if c == _W:
        return _V
    if c == _Z:
        return _S
    if c == _X:
        return _K if half == 0 else _S
    if c in (_J, _Y):
        return _I
    return c


@nb.njit(inline="always")
def _replace(
    src: NDArray[np.uint8],
    n: int,
    dst: NDArray[np.uint8],
    old: tuple[int, ...],
    new: tuple[int, ...],
) -> int:  # pragma: no cover
    """``str.replace`` of ``src[:n]`` into ``dst``: its length there."""
    m = 0
    i = 0
    while i < n:
        hit = i + len(old) <= n
        if hit:
            for j in range(len(old)):
                if src[i + j] != old[j]:
                    hit = False
                    break
        if hit:
            for j in range(len(new)):
                dst[m] = new[j]
                m += 1
            i += len(old)
        else:
            dst[m] = src[i]
            m += 1
            i += 1
    return m
