"""The fingerprint kernel against a plain Python reference of its scheme, byte for byte.

The reference is the kernel as it was before it was tuned (one loop over the bytes with a
branch per case, a stable sort by value): every output must stay bit-identical, since exact
hashes, signatures and shingle sets are persisted and compared across runs.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.fingerprint.kernels import fingerprint_batch, index_quoted_shingles, index_shingles
from newsdedup.fingerprint.minhash import densification, permutations, stopword_table

_MASK = (1 << 64) - 1
_FNV_OFFSET, _FNV_PRIME = 0xCBF29CE484222325, 0x100000001B3
_M1, _M2, _GOLDEN = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0x9E3779B97F4A7C15


def _mix(x: int) -> int:
    x = ((x ^ (x >> 30)) * _M1) & _MASK
    x = ((x ^ (x >> 27)) * _M2) & _MASK
    return x ^ (x >> 31)


def _plain(buf: bytes, i: int, unify: bool) -> tuple[int, int]:
    """The ASCII byte a character normalises to (0: none) and its length (kernels._plain)."""
    c, end = buf[i], len(buf)
    if c == 0x60:
        return (0x27 if unify else 0), 1
    if c == 0xC2 and i + 1 < end:
        d = buf[i + 1]
        table = {0x85: 0x20} | ({0xAB: 0x22, 0xBB: 0x22, 0xB4: 0x27} if unify else {})
        return (table[d], 2) if d in table else (0, 1)
    if c < 0xE1 or c > 0xEF or i + 2 >= end:
        return 0, 1
    cp = ((c & 0x0F) << 12) | ((buf[i + 1] & 0x3F) << 6) | (buf[i + 2] & 0x3F)
    if cp in (0x1680, 0x2028, 0x2029):
        return 0x20, 3
    quotes = {0x2018: 0x27, 0x2019: 0x27, 0x201A: 0x27, 0x201B: 0x27, 0x2032: 0x27}
    quotes |= dict.fromkeys((0x201C, 0x201D, 0x201E, 0x201F, 0x2033, 0x2039, 0x203A), 0x22)
    quotes |= dict.fromkeys((*range(0x2010, 0x2016), 0x2212, 0x2E3A, 0x2E3B), 0x2D)
    quotes |= dict.fromkeys((0xFE58, 0xFE63, 0xFF0D), 0x2D)
    return (quotes[cp], 3) if unify and cp in quotes else (0, 1)


def _is_word(c: int) -> bool:
    return 48 <= c <= 57 or 97 <= c <= 122 or 65 <= c <= 90 or c >= 128


def _is_space(c: int) -> bool:
    return c == 32 or 9 <= c <= 13 or 28 <= c <= 31


def _scan(buf: bytes, flags: tuple[bool, bool, bool]) -> tuple[int, int, list[tuple[int, bool]]]:
    """Exact hashes and every word's (hash, quoted), as the kernel's first version read them."""
    lower, collapse, unify = flags
    h1, h2, word = _FNV_OFFSET, _GOLDEN, _FNV_OFFSET
    pending = started = in_word = in_quote = False
    words: list[tuple[int, bool]] = []
    i = 0
    while i < len(buf):
        c, step = buf[i], 1
        if c == 0x60 or c >= 0xC2:
            plain, length = _plain(buf, i, unify)
            if plain:
                c, step = plain, length
        i += step
        x = c + 32 if lower and 65 <= c <= 90 else c
        if collapse and _is_space(c):
            pending = started
        else:
            for v in (32, x) if pending else (x,):
                h1 = ((h1 ^ v) * _FNV_PRIME) & _MASK
                h2 = ((h2 ^ v) * _M1 + _GOLDEN) & _MASK
            pending, started = False, True
        if _is_word(c):
            word = ((word if in_word else _FNV_OFFSET) ^ x) * _FNV_PRIME & _MASK
            in_word = True
        else:
            if in_word:
                words.append((_mix(word), in_quote))
            in_word = False
            in_quote = (not in_quote) if c == 0x22 else in_quote and c != 10
    if in_word:
        words.append((_mix(word), in_quote))
    return _mix(h1), _mix(h2), words


def _index(seq: list[int], quoted: list[bool]) -> tuple[list[int], list[int]]:
    """Sorted unique values, each with (first position << 2) | (quoted << 1) | repeats."""
    order = np.argsort(np.asarray(seq, np.uint32), kind="stable").tolist()
    values: list[int] = []
    pos: list[int] = []
    for at in order:
        if values and values[-1] == seq[at]:
            pos[-1] |= 1
            continue
        values.append(seq[at])
        pos.append((at << 2) | (int(quoted[at]) << 1))
    return values, pos


def _one_permutation(sh: list[int], key: int, k: int) -> list[int]:
    """One-permutation hashing with optimal densification, as kernels._one_permutation."""
    if not sh:
        return [0xFFFFFFFF] * k
    best: list[int | None] = [None] * k
    for x in sh:
        h = _mix(x ^ key)
        j = ((h >> 32) * k) >> 32
        v = h & 0xFFFFFFFF
        if best[j] is None or v < best[j]:  # type: ignore[operator]
            best[j] = v
    row = []
    for j in range(k):
        attempt = 0
        src = j
        while best[src] is None:
            attempt += 1
            chain = ((j * _GOLDEN) & _MASK) ^ ((attempt * 0xD6E8FEB86659FD93) & _MASK) ^ key
            src = ((_mix(chain) >> 32) * k) >> 32
        row.append(best[src])
    return row  # type: ignore[return-value]


def _ranks(num_perm: int, seed: int, scheme: str) -> np.ndarray:  # type: ignore[type-arg]
    """The kernel's densification argument: the table of ranks, the chain followed try by try
    (what signatures longer than ``TABLE_BINS`` get), or none (k hash functions)."""
    if scheme == "oph-chain":
        chain = np.empty((1, 0), np.int32)
        chain.flags.writeable = False  # as densification gives it
        return chain
    return densification(num_perm, seed, scheme.split("-")[0])


def _reference(  # type: ignore[no-untyped-def]
    buf: bytes, stop: set[int], size: int, a: list[int], b: list[int], flags, one_permutation=False
):
    exact1, exact2, words = _scan(buf, flags)
    content = [(h, q) for h, q in words if h not in stop]
    toks = [h for h, _ in content]
    k = min(size, len(toks))
    sh = []
    for i in range(len(toks) - k + 1 if toks else 0):
        h = toks[i]
        for t in range(1, k):
            h = _mix((h * _GOLDEN + toks[i + t]) & _MASK)
        sh.append(h)
    if one_permutation:
        sig = _one_permutation(sh, b[0], len(a))
    else:
        sig = [
            min((((aj * x + bj) & _MASK) >> 32 for x in sh), default=0xFFFFFFFF)
            for aj, bj in zip(a, b, strict=True)
        ]
    values, pos = _index([h >> 32 for h in sh], [q for _, q in content[: len(sh)]])
    return [exact1, exact2], values, pos, len(sh), len(words), len(content), sig


_PIECES = [
    "the", "of", "said", "Minister", "SUMMIT", "caf\u00e9", "x1", "2024", "a", "B",
    " ", "  ", "\t", "\n", "\r\n", "\x0b", "\x1c", "\x00", ",", ".", "-", "'", '"', "`",
    "\u2018", "\u2019", "\u201c", "\u201d", "\u201e", "\u2032", "\u2033", "\u2039", "\u203a",
    "\u2013", "\u2014", "\u2212", "\u2e3a", "\ufe58", "\uff0d", "\u00ab", "\u00bb", "\u00b4",
    "\u0085", "\u1680", "\u2028", "\u2029", "\u00a0", "\u00df", "\u4e2d", "\U0001f600",
]  # fmt: skip
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=60).map(lambda p: "".join(p).encode())
# raw bytes too: lead bytes cut off at the end of a text, lone continuation bytes
_BYTES = st.binary(max_size=40) | st.lists(
    st.sampled_from([b"a", b" ", b"\xc2", b"\xe2", b"\x80", b"\x9c", b"\xbb", b"\x85", b"\xef"]),
    max_size=30,
).map(b"".join)
_FLAGS = st.tuples(st.booleans(), st.booleans(), st.booleans())


@settings(max_examples=300)
@given(
    texts=st.lists(_TEXT | _BYTES, min_size=1, max_size=8),
    size=st.integers(1, 3),
    stop_name=st.sampled_from(["en", "none"]),
    flags=_FLAGS,
    scheme=st.sampled_from(["oph", "oph-chain", "kperm"]),
    num_perm=st.sampled_from([8, 5, 64]),
)
def test_kernels_reference_every_output_is_bit_identical(
    texts: list[bytes],
    size: int,
    stop_name: str,
    flags: tuple[bool, bool, bool],
    scheme: str,
    num_perm: int,
) -> None:
    offsets = np.zeros(len(texts) + 1, np.int64)
    np.cumsum([len(t) for t in texts], out=offsets[1:])
    buf = np.frombuffer(bytearray().join(texts), np.uint8)
    a, b = permutations(num_perm, 3)
    table = stopword_table(stop_name)
    out = fingerprint_batch(buf, offsets, table, size, a, b, _ranks(num_perm, 3, scheme), *flags)
    one_permutation = scheme != "kperm"
    exact, sets, positions, bounds, n_sh, n_set, n_words, n_content, sig = out
    stop = set(table[table != 0].tolist())
    for d, text in enumerate(texts):
        want = _reference(text, stop, size, a.tolist(), b.tolist(), flags, one_permutation)
        start, end = bounds[d], bounds[d] + n_set[d]
        got = (
            exact[d].tolist(),
            sets[start:end].tolist(),
            positions[start:end].tolist(),
            int(n_sh[d]),
            int(n_words[d]),
            int(n_content[d]),
            sig[d].tolist(),
        )
        assert got == want, text


@pytest.mark.parametrize("scheme", ["oph", "oph-chain", "kperm"])
@pytest.mark.parametrize("n", [70, 530])  # chunks of 4 and of 32 documents
def test_kernels_reference_long_documents_span_many_buffers(n: int, scheme: str) -> None:
    """Buffers are made per chunk of documents, sized for the longest: short documents after
    long ones (and the reverse) must not see each other's words."""
    rng = np.random.default_rng(7)
    words = [w.encode() for w in ("alpha", "beta", "gamma", "the", "delta", "\u201cquote\u201d")]
    lengths = [int(rng.integers(0, 3000 if d % 40 == 0 else 300)) for d in range(n)]
    texts = [b" ".join(words[i] for i in rng.integers(0, len(words), k)) for k in lengths]
    offsets = np.zeros(len(texts) + 1, np.int64)
    np.cumsum([len(t) for t in texts], out=offsets[1:])
    a, b = permutations(16, 1)
    table = stopword_table("en")
    flags = (True, True, True)
    ranks = _ranks(16, 1, scheme)
    out = fingerprint_batch(
        np.frombuffer(bytearray().join(texts), np.uint8), offsets, table, 2, a, b, ranks, *flags
    )
    one_permutation = scheme != "kperm"
    stop = set(table[table != 0].tolist())
    for d, text in enumerate(texts):
        want = _reference(text, stop, 2, a.tolist(), b.tolist(), flags, one_permutation)
        start, end = out[3][d], out[3][d] + out[5][d]
        assert out[0][d].tolist() == want[0]
        assert (out[1][start:end].tolist(), out[2][start:end].tolist()) == (want[1], want[2])
        assert out[8][d].tolist() == want[6]


_SEQ = st.lists(st.integers(0, 2**32 - 1), max_size=300) | st.lists(
    st.integers(0, 40), max_size=300
)  # many repeats


@given(seq=_SEQ, data=st.data())
def test_kernels_reference_index_equals_a_stable_sort(seq: list[int], data: st.DataObject) -> None:
    quoted = data.draw(st.lists(st.booleans(), min_size=len(seq), max_size=len(seq)))
    values, pos = index_quoted_shingles(np.asarray(seq, np.uint32), np.asarray(quoted, np.bool_))
    assert (values.tolist(), pos.tolist()) == _index(seq, quoted)
    values, pos = index_shingles(np.asarray(seq, np.uint32))
    assert (values.tolist(), pos.tolist()) == _index(seq, [False] * len(seq))


@given(n=st.integers(0, 3000), top=st.integers(0, 2**32 - 1))
def test_kernels_reference_index_of_crowded_buckets(n: int, top: int) -> None:
    """Values that share their top bits and come in descending order crowd one bucket: the
    insertion sort hands over to a full sort and the index stays that of a stable sort."""
    seq = [(top - i // 3) % 2**32 for i in range(n)]  # descending, each value three times
    values, pos = index_shingles(np.asarray(seq, np.uint32))
    assert (values.tolist(), pos.tolist()) == _index(seq, [False] * n)
