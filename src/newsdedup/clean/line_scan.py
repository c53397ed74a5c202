"""Which texts no boilerplate rule can touch, found by one compiled pass over their bytes.

``strip_boilerplate`` (clean/boilerplate.py) costs about 30 µs an article in Python, most of it
building each line's key and trying the rules on it, and most articles lose no line. This scan
reads a batch of texts as UTF-8 and says, per text, whether *no rule can fire on any of its
lines*. It tests each line for what every rule needs before it can match, never for less:

- a short line whose key is a built-in, read-more or learned line (by a hash of the key, so a
  collision only sends a text to the rules);
- a short line opening on one of the start patterns' words (``_START_WORDS``), ending in a
  running time (``5:28``), opening on nine digits, or made of one slug;
- a short line holding one of the words the anywhere patterns need (``_SEARCHED_WORDS``);
- a long line opening on nine digits or on one of the media-control words (``_LONG_WORDS``);
- a short line that comes twice in an article of ``_REPEAT_MIN_LINES`` lines or more.

A text the scan passes is cleaned as ``text.strip()``: what ``strip_boilerplate`` returns for
it. Every other text goes to ``strip_boilerplate``, and so does whatever the scan does not model
(a short line with a letter outside ASCII, Unicode whitespace at a line's edge, a line break
other than ``\\n`` and ``\\r``, a control character): the scan can be too careful, never wrong.
tests/clean/test_line_scan.py holds it to that on random texts built from the rules' own words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import NamedTuple

import numba as nb
import numpy as np
from numpy.typing import NDArray

from newsdedup.clean import boilerplate as bp

__all__ = ["plain_texts", "rule_hashes"]

_BLANK, _RULE, _PLAIN = -2, -1, 0  # a line's verdicts; a positive one is its key's hash
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


def _words(words: Iterable[str]) -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
    """Words as one byte array and their offsets (numba takes no list of strings cheaply)."""
    encoded = [w.encode() for w in words]
    offsets = np.zeros(len(encoded) + 1, np.int64)
    np.cumsum([len(w) for w in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), np.uint8).copy(), offsets


def _openers(words: Sequence[str]) -> NDArray[np.uint8]:
    """Per byte, a bit for each word (at most 8) that opens on it in either case."""
    table = np.zeros(256, np.uint8)
    for bit, word in enumerate(words):
        for c in {word[0].lower(), word[0].upper()}:
            table[ord(c)] |= 1 << bit
    return table


class _Tables(NamedTuple):
    """The rules' words and characters as arrays (numba reads a named tuple of arrays)."""

    key_table: NDArray[np.uint8]  # line_key of each ASCII byte: itself folded, or a space
    breaks: NDArray[np.int64]  # the word-break characters line_key turns into spaces
    spaces: NDArray[np.int64]  # str.strip's whitespace past ASCII
    line_breaks: NDArray[np.int64]  # and the str.splitlines breaks among them
    start_words: NDArray[np.uint8]
    start_offsets: NDArray[np.int64]
    long_words: NDArray[np.uint8]
    long_offsets: NDArray[np.int64]
    searched: NDArray[np.uint8]
    searched_offsets: NDArray[np.int64]
    openers: NDArray[np.uint8]  # per byte, which searched words open on it (bits)
    limits: NDArray[np.int64]  # short line: characters, spaces; repeats: lines, words
    long_first: NDArray[np.uint16]  # per byte, a bit for each long word opening on it (any
    #: case), or 0x100 where a long line opening on it goes to ``_line`` whatever follows
    long_second: NDArray[np.uint8]  # per byte, a bit for each long word whose second it can be


@cache
def _tables() -> _Tables:
    """The tables, read off clean/boilerplate.py."""
    spaces = [c for c in range(0x80, 0x3001) if chr(c).isspace()]
    line_breaks = [c for c in spaces if len(f"a{chr(c)}b".splitlines()) == 2]
    return _Tables(
        np.frombuffer(bp._ASCII_KEY, np.uint8).copy(),
        np.array(sorted(map(ord, bp._BREAK_CHARS)), np.int64),
        np.array(spaces, np.int64),
        np.array(line_breaks, np.int64),
        *_words(bp._START_WORDS),
        *_words(bp._LONG_WORDS),
        *_words(bp._SEARCHED_WORDS),
        _openers(bp._SEARCHED_WORDS),
        np.array([bp._SHORT_CHARS, bp._SHORT, bp._REPEAT_MIN_LINES, bp._REPEAT_MAX_WORDS]),
        *_long_openers(),
    )


def _long_openers() -> tuple[NDArray[np.uint16], NDArray[np.uint8]]:
    """The tables of ``_scan``'s fast path for long lines: which first two bytes can open a
    long word (``_LONG_WORDS``), and the first bytes it leaves to ``_line`` (whitespace and
    control, digits, anything outside ASCII)."""
    first = _openers(bp._LONG_WORDS).astype(np.uint16)
    first[:33] = first[0x30:0x3A] = first[0x80:] = 0x100
    second = _openers([w[1:] for w in bp._LONG_WORDS])
    second[0x80:] = 0xFF  # the long words' match lets a byte outside ASCII stand for a letter
    return first, second


def _key_hashes(keys: Iterable[str]) -> NDArray[np.uint64]:
    """The scan's hashes of line keys (``line_key`` values), sorted: a key is its own key."""
    key_table = _tables().key_table
    out = []
    for key in keys:
        data = np.frombuffer(key.encode(), np.uint8)  # read-only, as _line calls it
        if data.size and data.max() < 0x80:  # a key outside ASCII is never the scan's key
            out.append(_key_hash(data, 0, data.size, key_table)[0])
    return np.unique(np.array(out, np.uint64))


@cache
def _builtin_hashes() -> NDArray[np.uint64]:
    return _key_hashes(bp.BUILTIN_LINES | bp.READ_MORE_HEADINGS)


def rule_hashes(learned: bp.Boilerplate | None = None) -> NDArray[np.uint64]:
    """The hashes of the keys a rule removes, the built-in and read-more lines' and
    ``learned``'s: ``plain_texts`` takes them, computed once for a whole corpus."""
    if learned is None or not len(learned):
        return _builtin_hashes()
    return np.union1d(_builtin_hashes(), _key_hashes(learned.voices))


def plain_texts(
    texts: Sequence[str], hashes: NDArray[np.uint64] | None = None
) -> NDArray[np.bool_]:
    """Per text, whether no boilerplate rule can remove a line of it; ``hashes`` from
    ``rule_hashes`` (the built-in lines' alone when None)."""
    if not texts:
        return np.zeros(0, np.bool_)
    encoded = [_utf8(t) for t in texts]
    offsets = np.zeros(len(encoded) + 1, np.int64)
    np.cumsum(np.fromiter(map(len, encoded), np.int64, len(encoded)), out=offsets[1:])
    buf = np.frombuffer(b"".join(encoded), np.uint8)
    if hashes is None:
        hashes = _builtin_hashes()
    plain: NDArray[np.bool_] = _scan(buf, offsets, hashes, _tables())
    return plain


def _utf8(text: str) -> bytes:
    try:
        return text.encode()  # twice as fast as with an error handler
    except UnicodeEncodeError:  # a lone surrogate: a control character, sent to the rules
        return b"\x00"


@nb.njit(cache=True)
def _code_point(buf, k):  # type: ignore[no-untyped-def]
    """The code point of the UTF-8 sequence at ``k`` and its length (a stray byte: itself)."""
    c = np.int64(buf[k])
    if c < 0xE0 and c >= 0xC0 and k + 1 < buf.size:
        return ((c & 0x1F) << 6) | (buf[k + 1] & 0x3F), 2
    if c < 0xF0 and c >= 0xE0 and k + 2 < buf.size:
        return ((c & 0x0F) << 12) | ((buf[k + 1] & 0x3F) << 6) | (buf[k + 2] & 0x3F), 3
    if c >= 0xF0 and k + 3 < buf.size:
        cp = ((c & 0x07) << 18) | ((buf[k + 1] & 0x3F) << 12) | ((buf[k + 2] & 0x3F) << 6)
        return cp | (buf[k + 3] & 0x3F), 4
    return c, 1


@nb.njit(cache=True)
def _holds(sorted_values, value):  # type: ignore[no-untyped-def]
    """Whether ``value`` is in ``sorted_values`` (a binary search)."""
    lo, hi = 0, sorted_values.size
    while lo < hi:
        mid = (lo + hi) // 2
        if sorted_values[mid] < value:
            lo = mid + 1
        else:
            hi = mid
    return lo < sorted_values.size and sorted_values[lo] == value


@nb.njit(cache=True)
def _key_hash(buf, p, q, key_table):  # type: ignore[no-untyped-def]
    """FNV-1a of ``line_key`` of ``buf[p:q]`` (ASCII letters folded, digits kept, anything else
    a break between words), and its number of words."""
    h = _FNV_OFFSET
    words = 0
    inside = False
    for k in range(p, q):
        b = buf[k]
        c = key_table[b] if b < 0x80 else np.uint8(32)
        if c == 32:
            inside = False
            continue
        if not inside:
            if words:
                h = (h ^ np.uint64(32)) * _FNV_PRIME
            words += 1
            inside = True
        h = (h ^ np.uint64(c)) * _FNV_PRIME
    return h, words


@nb.njit(cache=True)
def _word_at(buf, s, q, words, a, z, wildcard):  # type: ignore[no-untyped-def]
    """Whether ``words[a:z]`` stands at ``buf[s:q]``, ASCII case folded (a byte outside ASCII
    matches any letter where ``wildcard``: the regex engine folds some of them to ASCII)."""
    if q - s < z - a:
        return False
    for i in range(z - a):
        b = buf[s + i]
        if b >= 0x80 and wildcard:
            continue
        if (b | 0x20 if 0x41 <= b <= 0x5A else b) != words[a + i]:
            return False
    return True


@nb.njit(cache=True)
def _opens_on(buf, p, q, words, offsets, wildcard):  # type: ignore[no-untyped-def]
    """Whether ``buf[p:q]`` opens on one of ``words`` (``_word_at``)."""
    for w in range(offsets.size - 1):
        if _word_at(buf, p, q, words, offsets[w], offsets[w + 1], wildcard):
            return True
    return False


@nb.njit(cache=True)
def _holds_word(buf, p, q, words, offsets, openers):  # type: ignore[no-untyped-def]
    """Whether ``buf[p:q]``, ASCII case folded, holds one of ``words`` (letters only; bit w of
    ``openers[b]`` says whether word w opens on byte b)."""
    for s in range(p, q):
        which = openers[buf[s]]
        for w in range(offsets.size - 1 if which else 0):
            if which >> w & 1 and _word_at(
                buf, s, q, words, offsets[w], offsets[w + 1], np.bool_(False)
            ):
                return True
    return False


@nb.njit(cache=True)
def _digits(buf, p, q):  # type: ignore[no-untyped-def]
    k = p
    while k < q and 0x30 <= buf[k] <= 0x39:
        k += 1
    return k - p


@nb.njit(cache=True)
def _slug(buf, p, q, key_table):  # type: ignore[no-untyped-def]
    """Whether ``buf[p:q]`` may be a slug (``PATTERNS["code"]``): ASCII letters and digits
    with a digit somewhere and a "-" or "_" between them."""
    digit = joined = False
    for k in range(p, q):
        b = buf[k]
        if b == 45 or b == 95:
            joined = True
        elif b >= 0x80 or key_table[b] == 32:
            return False
        elif b <= 0x39:
            digit = True
    return digit and joined


@nb.njit(cache=True)
def _last_code_point(buf, p, q):  # type: ignore[no-untyped-def]
    k = q - 1
    while k > p and buf[k] & 0xC0 == 0x80:
        k -= 1
    return _code_point(buf, k)[0]


@nb.njit(cache=True, nogil=True)
def _scan(buf, offsets, hashes, tables):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Per text ``buf[offsets[t]:offsets[t + 1]]``, whether it is plain (the module's rules).

    One loop over the bytes finds the lines and counts their spaces; each line is then tried
    (``_line``). Code points are decoded only where a byte outside ASCII can matter: a line's
    edges, its short lines, the rare line breaks (U+0085, U+2028, U+2029)."""
    line_breaks, min_lines, long_spaces = tables.line_breaks, tables.limits[2], tables.limits[1]
    long_first, long_second = tables.long_first, tables.long_second
    n = offsets.size - 1
    out = np.zeros(n, np.bool_)
    for t in range(n):
        start, end = offsets[t], offsets[t + 1]
        repeats = np.empty((end - start) // 2 + 1, np.uint64)
        n_repeats = n_lines = 0
        ok = True
        a = start  # where the current line starts
        # typed zeros, not the literals 0 and False: numba would compile _line for those too
        blanks: int | np.int64 = np.int64(0)
        high: bool | np.bool_ = np.bool_(False)
        for k in range(start, end + 1):
            if k < end:
                b = buf[k]
                if b >= 0x80:
                    high = True
                    if (b == 0xC2 or b == 0xE2) and _holds(line_breaks, _code_point(buf, k)[0]):
                        ok = False
                        break
                    continue
                if b >= 32:
                    blanks += b == 32
                    continue
                if b == 9:
                    continue
                if b != 10 and b != 13:
                    ok = False  # a control character or a rare line break
                    break
            if (
                blanks >= long_spaces
                and k - a > 1
                and not long_first[buf[a]] & (0x100 | long_second[buf[a + 1]])
                and buf[k - 1] < 0x80
                and buf[k - 1] != 32
                and buf[k - 1] != 9
            ):
                # what _line answers for a long line with no space to strip, ASCII at both
                # ends, opening on no long word and no digit; the call itself cost more than
                # the rest of the scan (2.3x the bytes' time on generated news)
                verdict = _PLAIN
            else:
                verdict = _line(buf, a, k, blanks, high, hashes, tables)
            a, blanks, high = k + 1, 0, False
            if verdict == _BLANK:
                continue
            n_lines += 1
            if verdict == _RULE:
                ok = False
                break
            if verdict != _PLAIN:
                repeats[n_repeats] = np.uint64(verdict)
                n_repeats += 1
        if ok and n_lines >= min_lines and n_repeats > 1:
            ok = not _repeats(repeats[:n_repeats])
        out[t] = ok
    return out


@nb.njit(cache=True)
def _repeats(hashes):  # type: ignore[no-untyped-def]
    """Whether a value comes twice in ``hashes`` (non-zero), by open addressing."""
    size = 1
    while size < 2 * hashes.size:
        size *= 2
    table = np.zeros(size, np.uint64)
    for h in hashes:
        slot = h & np.uint64(size - 1)
        while table[slot]:
            if table[slot] == h:
                return True
            slot = (slot + np.uint64(1)) & np.uint64(size - 1)
        table[slot] = h
    return False


@nb.njit(cache=True)
def _line(buf, p, q, blanks, high, hashes, tables):  # type: ignore[no-untyped-def]  # pragma: no cover
    """The line ``buf[p:q]`` with ``blanks`` spaces, ``high`` where it holds a byte outside
    ASCII: _BLANK, _RULE where a rule may take it (or the scan cannot tell), else the hash of
    its key where it is short enough to repeat, else _PLAIN."""
    key_table, spaces, limits = tables.key_table, tables.spaces, tables.limits
    while p < q and (buf[p] == 32 or buf[p] == 9):
        blanks -= buf[p] == 32
        p += 1
    while q > p and (buf[q - 1] == 32 or buf[q - 1] == 9):
        blanks -= buf[q - 1] == 32
        q -= 1
    if p == q:
        return _BLANK
    chars = q - p
    foreign = False
    if high:
        if _holds(spaces, _code_point(buf, p)[0]) or _holds(spaces, _last_code_point(buf, p, q)):
            return _RULE  # str.strip would take more than the scan did
        if chars >= limits[0] and blanks < limits[1]:
            chars = 0
            for k in range(p, q):
                chars += buf[k] & 0xC0 != 0x80
        if chars < limits[0] and blanks < limits[1]:
            k = p
            while k < q and not foreign:
                if buf[k] < 0x80:
                    k += 1
                    continue
                cp, size = _code_point(buf, k)
                foreign = not _holds(tables.breaks, cp)
                k += size
    short_chars, short_words, _, repeat_max_words = limits
    first = buf[p]
    if chars >= short_chars or blanks >= short_words:  # a long line
        if 0x30 <= first <= 0x39:
            run = _digits(buf, p, q)
            return _PLAIN if run < 9 and (p + run == q or buf[p + run] < 0x80) else _RULE
        if first < 0x80 and _opens_on(
            buf, p, q, tables.long_words, tables.long_offsets, np.bool_(True)
        ):
            return _RULE
        return _PLAIN
    if foreign:
        return _RULE
    h, words = _key_hash(buf, p, q, key_table)
    if words == 0:
        return _PLAIN
    if _holds(hashes, h) or _opens_on(
        buf, p, q, tables.start_words, tables.start_offsets, np.bool_(False)
    ):
        return _RULE
    if (
        q - p >= 4
        and buf[q - 3] == 58
        and _digits(buf, q - 2, q) == 2
        and _digits(buf, q - 4, q - 3)
    ):
        return _RULE  # ends in a running time, "… 5:28"
    if 0x30 <= first <= 0x39 and _digits(buf, p, q) >= 9:
        return _RULE
    if blanks == 0 and _slug(buf, p, q, key_table):
        return _RULE
    if _holds_word(buf, p, q, tables.searched, tables.searched_offsets, tables.openers):
        return _RULE
    if words <= repeat_max_words:
        return np.int64(h >> np.uint64(1)) | 1  # positive; a collision only sends the text on
    return _PLAIN
