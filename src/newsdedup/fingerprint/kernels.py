"""Compiled hot path: tokenise, hash, shingle and MinHash whole batches of documents.

Profiling showed Python-level shingling to be the bottleneck of MinHash pipelines (about 4,000
docs/s); here one numba kernel reads the UTF-8 bytes of a batch and runs one document per thread.

Scheme (version ``FINGERPRINT_SCHEME`` in config.py): a word is a maximal run of bytes that are
ASCII letters or digits or any non-ASCII byte; its hash is FNV-1a 64 finalised by splitmix64.
Stopwords are dropped; a shingle hashes ``size`` consecutive remaining words; MinHash uses the
multiply-add-shift family ``((a * x + b) mod 2**64) >> 32`` with odd 64-bit ``a``. A word is
*quoted* when it stands between double quotes (curly quotes are unified to ``"`` first) in one
paragraph: a newline closes any quote left open, as news style leaves a quote that runs on into
the next paragraph unclosed. Independent reports share quotations; the copy verdict weighs them
apart from narration (relate/align.py).
"""

from __future__ import annotations

import numba as nb
import numpy as np
from numpy.typing import NDArray

__all__ = [
    "band_keys",
    "compact",
    "densify_ranks",
    "fingerprint_batch",
    "fold_texts",
    "hash_word",
    "index_quoted_shingles",
    "index_shingles",
]

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S32 = np.uint64(32)
_S40 = np.uint64(40)
_U32_MAX = np.uint32(0xFFFFFFFF)
_TOP = np.uint64(1 << 63)
_I64_MAX = np.int64(0x7FFFFFFFFFFFFFFF)
_LOW32 = np.uint64(0xFFFFFFFF)


_FNV_INVERSE = np.uint64(pow(0x100000001B3, -1, 1 << 64))  # both multipliers are odd
_M1_INVERSE = np.uint64(pow(0xBF58476D1CE4E5B9, -1, 1 << 64))

# A byte's entry in _BYTES: the byte as hashed (ASCII letters folded where the table folds) in
# bits 0-7, and what it is. _SPECIAL marks the bytes _plain must look at first.
_WORD = np.uint32(0x100)  # a letter, a digit or any byte of a non-ASCII character
_SPACE = np.uint32(0x200)  # the ASCII whitespace of str.split(), in the tables that collapse it
_QUOTE = np.uint32(0x400)
_NEWLINE = np.uint32(0x800)
_SPECIAL = np.uint32(0x1000)  # ", newline, ` and the lead bytes from 0xC2: out of the inner loop


def _byte_table(lower: int, collapse: int) -> NDArray[np.uint32]:
    table = np.zeros(256, np.uint32)
    for c in range(256):
        bits = 0x100 if (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or c >= 128) else 0
        if collapse and (c == 32 or 9 <= c <= 13 or 28 <= c <= 31):
            bits |= 0x200
        bits |= 0x400 if c == 0x22 else 0x800 if c == 10 else 0
        bits |= 0x1000 if c in (0x22, 10, 0x60) or c >= 0xC2 else 0
        table[c] = (c + 32 if lower and 65 <= c <= 90 else c) | bits
    table.flags.writeable = False
    return table


# row 2 * lower + collapse (numba reads module arrays as constants)
_BYTES = np.stack([_byte_table(lower, collapse) for lower in (0, 1) for collapse in (0, 1)])
_BYTES.flags.writeable = False


@nb.njit(inline="always")
def _mix(x: np.uint64) -> np.uint64:
    x = (x ^ (x >> _S30)) * _M1
    x = (x ^ (x >> _S27)) * _M2
    return x ^ (x >> _S31)


@nb.njit(inline="always")
def _is_stop(h: np.uint64, table: NDArray[np.uint64]) -> bool:
    """Look ``h`` up in an open-addressing table (power-of-two size, 0 marks a free slot).

    A binary search here cost half the kernel's time; a probe costs a few nanoseconds. The
    first slot decides most words, without a branch (``&``, not ``and``: a branch there, taken
    for half the words at random, cost 3 us an article).
    """
    mask = np.uint64(table.size - 1)
    i = (h >> _S40) & mask
    t = table[i]
    if (t != 0) & (t != h):  # taken only when another word holds the first slot
        i = (i + np.uint64(1)) & mask
        while table[i] != 0:
            if table[i] == h:
                return True
            i = (i + np.uint64(1)) & mask
        return False
    return bool(t == h)


@nb.njit(cache=True)
def hash_word(word: NDArray[np.uint8]) -> np.uint64:
    """Hash of one word's UTF-8 bytes, as the kernel computes it (used for the stopword table)."""
    h = _FNV_OFFSET
    for c in word:
        h = (h ^ np.uint64(c)) * _FNV_PRIME
    return _mix(h)


@nb.njit(inline="always")
def _content_words(words, quoted, n_words, stop):  # type: ignore[no-untyped-def]
    """Finalise the word hashes ``_scan`` wrote and keep those that are no stopwords, in place.

    Apart from the scan, so that a mispredicted stopword branch does not throw away the hash
    chains the CPU was running ahead on. Returns the number of content words.
    """
    n = np.int64(0)
    for w in range(n_words):
        h = _mix(words[w])
        words[n] = h
        quoted[n] = quoted[w]
        n += np.int64(not _is_stop(h, stop))
    return n


@nb.njit(inline="always")
def _plain(buf, i, end, unify):  # type: ignore[no-untyped-def]
    """The ASCII byte that the UTF-8 character at ``buf[i]`` normalises to, or 0, and its length.

    Mirrors clean/normalize.py: curly and angle quotes to ' and ", dashes and minus to -, and
    the whitespace str.split() knows but NFKC keeps (U+0085, U+1680, U+2028, U+2029) to a space.
    Done here on bytes because the same replacements in Python cost 25% of the whole stage.
    """
    c = buf[i]
    if c == 0x60:
        return (0x27 if unify else 0), 1
    if c == 0xC2 and i + 1 < end:
        d = buf[i + 1]
        if d == 0x85:
            return 0x20, 2
        if unify and (d == 0xAB or d == 0xBB):
            return 0x22, 2
        if unify and d == 0xB4:
            return 0x27, 2
        return 0, 1
    if c < 0xE1 or c > 0xEF or i + 2 >= end:
        return 0, 1
    cp = ((np.int64(c) & 0x0F) << 12) | ((np.int64(buf[i + 1]) & 0x3F) << 6) | (buf[i + 2] & 0x3F)
    if cp == 0x1680 or cp == 0x2028 or cp == 0x2029:
        return 0x20, 3
    if not unify:
        return 0, 1
    if 0x2018 <= cp <= 0x201B or cp == 0x2032:
        return 0x27, 3
    if 0x201C <= cp <= 0x201F or cp == 0x2033 or cp == 0x2039 or cp == 0x203A:
        return 0x22, 3
    if 0x2010 <= cp <= 0x2015 or cp == 0x2212 or cp == 0x2E3A or cp == 0x2E3B:
        return 0x2D, 3
    if cp == 0xFE58 or cp == 0xFE63 or cp == 0xFF0D:
        return 0x2D, 3
    return 0, 1


@nb.njit(inline="always")
def _step(e, h1, h2, word, prev, in_quote, n, out, quoted):  # type: ignore[no-untyped-def]
    """One character of ``_scan``, its ``_BYTES`` entry ``e`` after the one before, ``prev``.

    Branch-free but for a second space in a row: the word ending here is written to ``out[n]``
    whether or not one ends, and counted when one does; ``in_quote`` is the caller's to move.
    """
    x = np.uint64(e & np.uint32(0xFF))
    space = (e & _SPACE) != 0
    if not (space & ((prev & _SPACE) != 0)):  # a run of spaces is hashed as one
        v = np.uint64(32) if space else x
        h1 = (h1 ^ v) * _FNV_PRIME
        h2 = (h2 ^ v) * _M1 + _GOLDEN
    was_word = (prev & _WORD) != 0
    out[n] = word
    quoted[n] = in_quote
    n += np.uint64(was_word & ((e & _WORD) == 0))
    word = ((word if was_word else _FNV_OFFSET) ^ x) * _FNV_PRIME
    return h1, h2, word, e, n


@nb.njit(inline="always")
def _scan(buf, start, end, out, quoted, lower, collapse, unify):  # type: ignore[no-untyped-def]
    """One pass over a text: its exact hash and its words' raw hashes (written to ``out``, with
    whether each stands inside a quotation written to ``quoted``; see ``_content_words``).

    The exact hash covers the text with ASCII case folded and whitespace runs collapsed: two
    64-bit streams (FNV-1a and a multiply-add), finalised by splitmix64. Both hash chains and the
    word chain are independent, so the CPU overlaps them when nothing else stops it: each
    character is looked up once in a table and goes through ``_step`` without a branch a word
    would mispredict. Indices are unsigned (no negative-index test); the bytes ``_plain`` reads,
    quotes and newlines (which alone move the quote state) leave the inner loop; a trailing
    space is undone at the end rather than each state saved. Each of these cut 0.7-1.3 us an
    article. Returns (exact1, exact2, words).
    """
    table = _BYTES[2 * np.int64(lower) + np.int64(collapse)]
    text = buf[start:end]
    size = np.uint64(text.size)
    h1, h2, word = _FNV_OFFSET, _GOLDEN, _FNV_OFFSET
    prev, in_quote, n = _SPACE, False, np.uint64(0)  # as if after a space: leading ones drop
    j = np.uint64(0)
    while True:
        while j < size:
            e = table[text[j]]
            if e & _SPECIAL:
                break
            j += np.uint64(1)
            h1, h2, word, prev, n = _step(e, h1, h2, word, prev, in_quote, n, out, quoted)
        if j >= size:
            break
        plain, length = _plain(text, np.int64(j), np.int64(size), unify)
        e = (table[plain] if plain else table[text[j]]) & ~_SPECIAL
        j += np.uint64(length if plain else 1)
        h1, h2, word, prev, n = _step(e, h1, h2, word, prev, in_quote, n, out, quoted)
        in_quote = (in_quote != ((e & _QUOTE) != 0)) & ((e & _NEWLINE) == 0)
    if prev & _WORD:
        out[n] = word
        quoted[n] = in_quote
        n += np.uint64(1)
    if (prev & _SPACE) and _hashes_any(text, table, unify):
        # a trailing run of spaces was hashed as one before a character that never came
        h1 = (h1 * _FNV_INVERSE) ^ np.uint64(32)
        h2 = ((h2 - _GOLDEN) * _M1_INVERSE) ^ np.uint64(32)
    return _mix(h1), _mix(h2), np.int64(n)


@nb.njit(inline="always")
def _hashes_any(text, table, unify):  # type: ignore[no-untyped-def]
    """Whether a text holds a character that is no space (its first one, mostly, answers)."""
    j = 0
    while j < text.size:
        e = table[text[j]]
        step = 1
        if e & _SPECIAL:
            plain, length = _plain(text, j, text.size, unify)
            if plain:
                e, step = table[plain], length
        if not e & _SPACE:
            return True
        j += step
    return False


@nb.njit(inline="always")
def _shingle_hash(toks, i, size):  # type: ignore[no-untyped-def]
    h = toks[i]
    for t in range(1, size):
        h = _mix(h * _GOLDEN + toks[i + t])
    return h


@nb.njit(inline="always")
def _minhash(sh, s, a, b, row):  # type: ignore[no-untyped-def]
    """``row[j] = min_i ((a[j] * sh[i] + b[j]) mod 2**64) >> 32``: the minimum of the 64-bit
    values, shifted once (the shift keeps order), vectorises to a multiply, an add and a min
    (a 32-bit min per shingle cost a shift and a narrowing as well: 25% slower).

    The min is a signed one over the values with their top bit flipped (``b[j]`` plus 2**63),
    which orders them as the unsigned values: AVX2 has a signed 64-bit compare and no unsigned
    one, which cost two more instructions a value (the whole kernel with 256 permutations on an
    AVX2-only EPYC, three alternated pairs of ``benchmarks/bench_kernel.py``: 40.9-44.9 ->
    37.5-42.0 us an article; the same bits)."""
    for j in range(a.size):
        aj = np.int64(a[j])
        bj = np.int64(b[j] ^ _TOP)  # + 2**63: the top bit flipped
        m = _I64_MAX
        for i in range(s):
            m = min(m, aj * np.int64(sh[i]) + bj)
        row[j] = np.uint32((np.uint64(m) ^ _TOP) >> _S32)


_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)  # a bin no shingle fell in (values are 32-bit)
_ATTEMPT = np.uint64(0xD6E8FEB86659FD93)


@nb.njit(inline="always")
def _bin(h, k):  # type: ignore[no-untyped-def]
    """The bin of ``k`` a 64-bit hash falls in, from its top 32 bits (multiply and shift: any
    ``k``, no division)."""
    return ((h >> _S32) * np.uint64(k)) >> _S32


@nb.njit(inline="always")
def _chain(j, attempt, key, k):  # type: ignore[no-untyped-def]
    """The bin an empty bin ``j`` looks at on its ``attempt``-th try (the same for every
    document: what makes the densification consistent)."""
    return _bin(_mix((np.uint64(j) * _GOLDEN) ^ (np.uint64(attempt) * _ATTEMPT) ^ key), k)


@nb.njit(cache=True)
def densify_ranks(k, key):  # type: ignore[no-untyped-def]
    """``ranks[j, f]``: the first attempt on which empty bin ``j``'s chain names bin ``f``. Bin
    j takes the filled bin of least rank, what following the chain finds, in as many steps as
    the document has filled bins: a document of a few shingles fills a few of 256 bins, and
    following the chain took about 50 tries an empty bin (34.6 against 2.1 us an article of
    2-12 words with 256 hash functions); with the table, 7.8 us."""
    ranks = np.full((k, k), -1, np.int32)
    for j in range(k):
        seen = 0
        attempt = 0
        while seen < k:
            attempt += 1
            f = _chain(j, attempt, key, k)
            if ranks[j, f] < 0:
                ranks[j, f] = attempt
                seen += 1
    return ranks


@nb.njit(inline="always")
def _one_permutation(sh, s, key, row, best, filled, ranks):  # type: ignore[no-untyped-def]
    """``row[j]``: the least low 32 bits of ``_mix(sh[i] ^ key)`` over the shingles whose hash
    falls in bin j of ``row.size`` (one-permutation hashing). An empty bin takes the value of
    the first filled bin a chain of hashes of (j, attempt) names, the same chain for every
    document (optimal densification, Shrivastava 2017), so two signatures agree in a position
    with probability the sets' Jaccard. One hash a shingle instead of one a shingle and
    position: 3.8 against 32.6 us for 500 shingles and 256 positions. Where few bins are
    filled, ``ranks`` (``densify_ranks``; empty when not made) finds the same bin sooner."""
    k = row.size
    best[:k] = _EMPTY
    for i in range(s):
        h = _mix(sh[i] ^ key)
        j = _bin(h, k)
        v = h & _LOW32
        if v < best[j]:
            best[j] = v
    if s == 0:
        row[:k] = _U32_MAX
        return
    n_filled = 0
    for j in range(k):
        if best[j] != _EMPTY:
            filled[n_filled] = j
            n_filled += 1
    sparse = ranks.shape[0] == k and n_filled * n_filled < 4 * k
    for j in range(k):
        if best[j] != _EMPTY:
            row[j] = np.uint32(best[j])
        elif sparse:  # the filled bin of least rank in j's chain
            src = filled[0]
            for t in range(1, n_filled):
                if ranks[j, filled[t]] < ranks[j, src]:
                    src = filled[t]
            row[j] = np.uint32(best[src])
        else:
            attempt = 0
            while True:
                attempt += 1
                src = _chain(j, attempt, key, k)
                if best[src] != _EMPTY:
                    row[j] = np.uint32(best[src])
                    break


@nb.njit(inline="always")
def _sort_keys(keys, s, spare, counts):  # type: ignore[no-untyped-def]
    """``keys[:s]`` (distinct) in ascending order, in ``spare``.

    The keys spread by their top bits over ``s`` to ``2 s`` buckets (``counts`` holds one
    more), then insertion sort puts the few in a bucket in order. Hash values spread evenly:
    about one key a bucket, so two passes and a short sort (an LSD radix sort takes four passes
    of 256 buckets, too many for a few hundred keys). Should a run of inputs crowd some
    buckets, insertion sort hands over to a quicksort once it has moved more than a few keys
    each.
    """
    if s < 2:
        spare[:s] = keys[:s]
        return spare
    bits = 1
    while (1 << bits) < s:
        bits += 1
    shift = np.uint64(64 - bits)
    counts[: (1 << bits) + 1] = 0
    for i in range(s):
        counts[(keys[i] >> shift) + np.uint64(1)] += 1
    for d in range(1 << bits):
        counts[d + 1] += counts[d]
    for i in range(s):
        d = keys[i] >> shift
        spare[counts[d]] = keys[i]
        counts[d] += 1
    moves = 0
    for i in range(1, s):
        k = spare[i]
        j = i
        while j > 0 and spare[j - 1] > k:
            spare[j] = spare[j - 1]
            j -= 1
        spare[j] = k
        moves += i - j
        if moves > 4 * s + 64:
            spare[:s].sort()
            break
    return spare


@nb.njit(inline="always")
def _index_into(keys, s, quoted, spare, counts, values, pos):  # type: ignore[no-untyped-def]
    """Index the shingles packed in ``keys[:s]`` as ``(value << 32) | position`` into
    ``values``/``pos`` (see ``index_quoted_shingles``); returns the number of distinct values.

    The packed keys are distinct, so sorting them orders the values with ties in position
    order, as a stable sort by value would: no gathers by index (the radix sort before read
    each value through an order array).
    """
    order = _sort_keys(keys, s, spare, counts)
    u = 0
    for r in range(s):
        k = order[r]
        v = np.uint32(k >> _S32)
        if u > 0 and values[u - 1] == v:
            pos[u - 1] |= 1
            continue
        at = np.int64(k & _LOW32)
        values[u] = v
        pos[u] = np.int32((at << 2) | (np.int64(quoted[at]) << 1))
        u += 1
    return u


@nb.njit(cache=True)
def index_shingles(seq):  # type: ignore[no-untyped-def]
    """A shingle sequence as its sorted set, with each shingle's first position and a repeat
    flag packed as ``(first << 2) | repeats`` (what relate.align needs, without the sequence)."""
    return index_quoted_shingles(seq, np.zeros(seq.size, np.bool_))


@nb.njit(cache=True)
def index_quoted_shingles(seq, quoted):  # type: ignore[no-untyped-def]
    """``index_shingles`` with a quote flag per shingle (its first word stands inside a
    quotation), packed as ``(first << 2) | (quoted << 1) | repeats``."""
    s = seq.size
    keys = np.empty(s, np.uint64)
    for i in range(s):
        keys[i] = (np.uint64(seq[i]) << _S32) | np.uint64(i)
    values = np.empty(s, np.uint32)
    pos = np.empty(s, np.int32)
    spare = np.empty(s, np.uint64)
    u = _index_into(keys, s, quoted, spare, np.empty(2 * s + 2, np.int64), values, pos)
    return values[:u], pos[:u]


@nb.njit(nogil=True, cache=True)
def fold_texts(buf, offsets, fold):  # type: ignore[no-untyped-def]
    """Fold each document's capitals in place by ``fold`` (normalize.fold_chars: the code
    point a character becomes, -1 where prenormalize may do more than that) and say per
    document 0 (left as it was), 1 (folded) or 2 (holds a character ``fold`` cannot take:
    prenormalize it). ASCII is left to the kernel; a folded character keeps its UTF-8 length.

    ``buf`` is UTF-8 as ``str.encode`` writes it (lone surrogates passed as three bytes); a
    character of four bytes is never taken. A document flagged 2 may be part folded.
    """
    n = offsets.size - 1
    out = np.zeros(n, np.int8)
    for d in range(n):
        i = offsets[d]
        end = offsets[d + 1]
        while i < end:
            c = np.int64(buf[i])
            if c < 0x80:
                i += 1
                continue
            if c < 0xE0:
                cp = ((c & 0x1F) << 6) | (np.int64(buf[i + 1]) & 0x3F)
                width = 2
            elif c < 0xF0:
                cp = ((c & 0x0F) << 12) | ((np.int64(buf[i + 1]) & 0x3F) << 6)
                cp |= np.int64(buf[i + 2]) & 0x3F
                width = 3
            else:
                out[d] = 2
                break
            to = np.int64(fold[cp])
            if to < 0:
                out[d] = 2
                break
            if to != cp:
                if width == 2:
                    buf[i] = np.uint8(0xC0 | (to >> 6))
                    buf[i + 1] = np.uint8(0x80 | (to & 0x3F))
                else:
                    buf[i] = np.uint8(0xE0 | (to >> 12))
                    buf[i + 1] = np.uint8(0x80 | ((to >> 6) & 0x3F))
                    buf[i + 2] = np.uint8(0x80 | (to & 0x3F))
                out[d] = 1
            i += width
    return out


#: Documents a thread takes at a time: their buffers are made once, for the longest of them.
_CHUNK = 32
#: Chunks a batch is cut into at least, where it has that many documents: a few long texts
#: still spread over the threads (numba.get_num_threads() here would stop the cache).
_CHUNKS = 16


@nb.njit(inline="always")
def _room(offsets, d):  # type: ignore[no-untyped-def]
    """Most words (so content words, shingles, set entries) a text of that many bytes holds."""
    return (offsets[d + 1] - offsets[d] + 1) // 2 + 1


@nb.njit(nogil=True, cache=True)
def _fingerprint_chunk(  # type: ignore[no-untyped-def]
    buf, offsets, stop, size, a, b, ranks, lower, collapse, unify, first, last,
    bounds, exact, sets, positions, n_set, n_shingles, n_words, n_content, sig,
):  # fmt: skip
    """Documents ``first`` to ``last`` of ``fingerprint_batch``, written into its arrays. A
    function of its own, not the ``prange`` body: numba's parallel passes then see one call,
    not everything inlined here, and a first compile of the two takes 7 s where
    ``fingerprint_batch`` alone took 14.5 (same code, same speed; benchmarks/bench_compile.py)."""
    cap = 1
    for d in range(first, last):
        cap = max(cap, _room(offsets, d))
    toks = np.empty(cap, np.uint64)
    quoted = np.empty(cap, np.bool_)
    sh = np.empty(cap, np.uint64)
    keys = np.empty(cap, np.uint64)
    spare = np.empty(cap, np.uint64)
    counts = np.empty(2 * cap + 2, np.int64)
    best = np.empty(a.size, np.uint64)
    filled = np.empty(a.size, np.int64)
    at = bounds[first]
    for d in range(first, last):
        exact[d, 0], exact[d, 1], w = _scan(
            buf, offsets[d], offsets[d + 1], toks, quoted, lower, collapse, unify
        )
        m = _content_words(toks, quoted, w, stop)
        n_words[d] = w
        n_content[d] = m
        k = size if m >= size else m
        s = m - k + 1 if m > 0 else 0
        n_shingles[d] = s
        for i in range(s):
            sh[i] = _shingle_hash(toks, i, k)
            keys[i] = (sh[i] & ~_LOW32) | np.uint64(i)
        if ranks.shape[0] > 0:
            _one_permutation(sh, s, b[0], sig[d], best, filled, ranks)
        else:
            _minhash(sh, s, a, b, sig[d])
        u = _index_into(keys, s, quoted, spare, counts, sets[at : at + s], positions[at : at + s])
        bounds[d] = at
        n_set[d] = u
        at += u


@nb.njit(parallel=True, nogil=True, cache=True)
def fingerprint_batch(buf, offsets, stop, size, a, b, ranks, lower, collapse, unify):  # type: ignore[no-untyped-def]
    """Fingerprint every document of a batch.

    ``buf[offsets[d]:offsets[d + 1]]`` is document d's UTF-8 text, already normalised except for
    ASCII case and whitespace, which are folded here. Returns the exact hashes (uint64[n, 2]);
    the per-document sorted shingle sets (uint32) and their packed first positions and quote
    flags (int32, see ``index_quoted_shingles``), as slices ``[bounds[d]:bounds[d] + n_set[d]]``
    (room for the most a chunk's texts could hold is made, and each chunk's sets are written one
    after the other: fresh pages cost a fault each, 2 us, and spread out, they took 2 an article);
    shingle counts with and without repeats; word and content-word counts; and the MinHash
    signatures (uint32[n, num_perm]): with ``ranks`` (int32[num_perm, num_perm] from
    ``densify_ranks``, or [1, 0] where its bins are too many for a table), of one hash a
    shingle keyed by ``b[0]`` (``_one_permutation``); with ``ranks`` of shape [0, 0], of the
    ``a.size`` hash functions ``(a, b)``.
    """
    n = offsets.size - 1
    bounds = np.zeros(n + 1, np.int64)
    for d in range(n):
        bounds[d + 1] = bounds[d] + _room(offsets, d)
    exact = np.empty((n, 2), np.uint64)
    sets = np.empty(bounds[n], np.uint32)
    positions = np.empty(bounds[n], np.int32)
    n_set = np.zeros(n, np.int64)
    n_shingles = np.zeros(n, np.int64)
    n_words = np.zeros(n, np.int64)
    n_content = np.zeros(n, np.int64)
    sig = np.empty((n, a.size), np.uint32)
    per = max(1, min(_CHUNK, n // _CHUNKS))
    for chunk in nb.prange((n + per - 1) // per):
        first = chunk * per
        _fingerprint_chunk(
            buf, offsets, stop, size, a, b, ranks, lower, collapse, unify, first,
            min(n, first + per), bounds, exact, sets, positions, n_set, n_shingles, n_words,
            n_content, sig,
        )  # fmt: skip
    return exact, sets, positions, bounds, n_shingles, n_set, n_words, n_content, sig


@nb.njit(parallel=True, nogil=True, cache=True)
def band_keys(sig, bands, rows):  # type: ignore[no-untyped-def]
    """One 64-bit bucket key per band: a hash of the band's index and its rows of the signature."""
    n = sig.shape[0]
    keys = np.empty((n, bands), np.uint64)
    for d in nb.prange(n):
        for band in range(bands):
            h = _mix(np.uint64(band) + _GOLDEN)
            for r in range(rows):
                h = _mix(h * _GOLDEN + np.uint64(sig[d, band * rows + r]))
            keys[d, band] = h
    return keys


@nb.njit(cache=True)
def compact(values, bounds, lengths):  # type: ignore[no-untyped-def]
    """Pack per-document slices laid out by ``bounds`` into a CSR (values, offsets) pair."""
    n = lengths.size
    offsets = np.zeros(n + 1, np.int64)
    for d in range(n):
        offsets[d + 1] = offsets[d] + lengths[d]
    out = np.empty(offsets[n], values.dtype)
    for d in range(n):
        out[offsets[d] : offsets[d + 1]] = values[bounds[d] : bounds[d] + lengths[d]]
    return out, offsets
