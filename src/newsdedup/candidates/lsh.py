"""Candidate pairs from LSH banding: documents sharing any band key.

Buckets are sorted by (key, a hash of the document id), so which pairs a capped bucket keeps
does not depend on input order. A bucket over ``max_bucket`` documents is almost always
boilerplate shared by unrelated pages; only its first ``max_bucket`` members are paired and the
bucket is counted in ``LSHReport.oversized`` so that the user sees it.
"""

from __future__ import annotations

import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numba as nb
import numpy as np
from numpy.typing import NDArray

from newsdedup.arrays import run_counts
from newsdedup.candidates.buckets import Buckets, key_buckets
from newsdedup.candidates.overlap import enough_overlap
from newsdedup.memory import release_memory

__all__ = [
    "BANDS_PER_CHUNK",
    "HUBS",
    "BandColumns",
    "LSHReport",
    "band_pairs",
    "bucket_pairs",
    "candidate_pairs",
    "capped_order",
    "enough_bands",
]

#: Bands the LSH step takes at a time (one chunk per thread; fingerprint/columns.py files keys
#: by these chunks).
BANDS_PER_CHUNK = 8
_BANDS_PER_CHUNK = BANDS_PER_CHUNK
_COUNT_BITS = 4  # holds a pair's band count within one chunk (at most _BANDS_PER_CHUNK)
#: Band pair codes one count of the LSH step holds at most (8 bytes each: 32 MiB). Where the
#: first band says the step will make more, each band's pairs go to temporary files by range of
#: their first document and each range is counted alone, so memory stays flat however many
#: pairs the bands make. A corpus of frequent phrases and no stop words does that: Zipf-1.3
#: pseudo-words made 818 one-band pairs a document at 100,000 documents (4.8 GB peak), and at
#: 1,000,000 the run was killed at 23.8 GiB. The pairs and counts are the same either way; the
#: ranges are also faster where there are many (small sorts instead of one large merge: 20,000
#: Zipf-1.3 documents, 13 million band pairs, 3.4-4.9 -> 1.4-2.0 s, 900 -> 310 MB).
PARTITION_CODES = 1 << 22


@dataclass(slots=True)
class LSHReport:
    buckets: int = 0  #: buckets with two or more documents
    oversized: int = 0  #: buckets capped at max_bucket
    largest: int = 0  #: size of the largest bucket before capping
    raw_pairs: int = 0  #: pairs emitted over all bands, before removing repeats
    #: pairs dropped for sharing fewer band keys than ``verify.min_bands`` (two long
    #: documents) or ``verify.short_doc_bands`` (a short side) asks
    thin: int = 0
    #: pairs dropped for a shingle containment under ``verify.min_pair_containment``
    #: (candidates/overlap.py ``enough_overlap``)
    low_overlap: int = 0
    oversized_sizes: list[int] = field(default_factory=list)

    def merge(self, other: LSHReport) -> None:
        self.buckets += other.buckets
        self.oversized += other.oversized
        self.largest = max(self.largest, other.largest)
        self.raw_pairs += other.raw_pairs
        self.thin += other.thin
        self.low_overlap += other.low_overlap
        self.oversized_sizes.extend(other.oversized_sizes)


class BandColumns(Protocol):
    """Band keys (n, bands) kept elsewhere than in one array (fingerprint/columns.py: on disk),
    read a chunk of bands at a time, so the LSH step holds one chunk per thread."""

    @property
    def shape(self) -> tuple[int, int]: ...

    def columns(self, first: int, last: int) -> NDArray[np.uint64]:
        """Bands ``first`` to ``last`` (exclusive) of every document, (n, last - first)."""
        ...


def _band_block(
    keys: NDArray[np.uint64] | BandColumns, first: int, last: int
) -> NDArray[np.uint64]:
    if isinstance(keys, np.ndarray):
        return keys[:, first:last]
    return keys.columns(first, last)


#: In a bucket over the cap, every member beyond the first ``max_bucket`` (by tiebreak) is
#: still paired with the first HUBS: so each member of a large cluster of copies (a wire story
#: run by hundreds of sites) reaches the cluster through a verified hub, at HUBS pairs a member
#: (measured: 1,000 near copies of one article were 0 of 1,000 grouped with it without hubs).
HUBS = 3


@nb.njit(nogil=True, cache=True)
def bucket_pairs(members, starts, ends, cap, wanted, hubs):  # type: ignore[no-untyped-def]
    """Pairs (lower index first) of the first ``cap`` members of each bucket
    ``members[starts[r]:ends[r]]``, and of each later member with the bucket's first ``hubs``,
    keeping those with at least one ``wanted`` document."""
    total = 0  # counted exactly, so memory holds the kept pairs only
    for r in range(starts.size):
        size = ends[r] - starts[r]
        m = min(size, cap)
        w = 0
        for x in range(m):
            w += wanted[members[starts[r] + x]]
        total += m * (m - 1) // 2 - (m - w) * (m - w - 1) // 2
        if size > cap:
            total += (size - cap) * min(hubs, m)
    out = np.empty((total, 2), np.int64)
    k = 0
    for r in range(starts.size):
        s = starts[r]
        size = ends[r] - s
        m = min(size, cap)
        for x in range(m):
            for y in range(x + 1, m):
                a, b = members[s + x], members[s + y]
                if wanted[a] or wanted[b]:
                    out[k, 0], out[k, 1] = min(a, b), max(a, b)
                    k += 1
        for y in range(m, size):
            for x in range(min(hubs, m)):
                a, b = members[s + x], members[s + y]
                if wanted[a] or wanted[b]:
                    out[k, 0], out[k, 1] = min(a, b), max(a, b)
                    k += 1
    return out[:k]


def capped_order(docs: NDArray[np.int64], tiebreak: NDArray[np.uint64]) -> NDArray[np.int64]:
    """The order in which a bucket over the cap keeps its members (its first ``HUBS`` are
    its hubs): by tiebreak, then document."""
    order: NDArray[np.int64] = np.lexsort((docs, tiebreak))
    return order


def band_pairs(
    keys: NDArray[np.uint64],
    docs: NDArray[np.int64],
    tiebreak: NDArray[np.uint64],
    cap: int,
    report: LSHReport,
    wanted: NDArray[np.bool_],
    bands: NDArray[np.int64] | None = None,
) -> NDArray[np.int64]:
    """The LSH bucket step, written once: rows (band key, document, tiebreak) -> the pairs
    (lower first) of the documents sharing a key, a bucket over ``cap`` keeping its ``cap``
    members of smallest (tiebreak, document). Buckets are told apart by ``keys`` (and
    ``bands`` when the rows hold several bands); ``wanted`` is indexed by document. The local
    engine calls it once per band, the living index per bucket and Spark once per partition
    of whole buckets, so the cap and its tie-break are one rule on every executor."""
    if bands is None:
        found = key_buckets(keys)
        return _bucket_pairs(found, docs, tiebreak, cap, report, wanted)
    order, starts, ends = _banded_buckets(keys, bands, report)
    return _capped_pairs(order, starts, ends, docs, tiebreak, cap, report, wanted)


def _bucket_pairs(
    found: Buckets,
    docs: NDArray[np.int64],
    tiebreak: NDArray[np.uint64],
    cap: int,
    report: LSHReport,
    wanted: NDArray[np.bool_],
) -> NDArray[np.int64]:
    """``band_pairs`` of one band's buckets (candidates/buckets.py), their counts added to
    ``report``."""
    report.buckets += len(found.starts)
    if len(found.starts):
        report.largest = max(report.largest, found.largest)
    return _capped_pairs(found.rows, found.starts, found.ends, docs, tiebreak, cap, report, wanted)


def _capped_pairs(
    order: NDArray[np.int64],
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    docs: NDArray[np.int64],
    tiebreak: NDArray[np.uint64],
    cap: int,
    report: LSHReport,
    wanted: NDArray[np.bool_],
) -> NDArray[np.int64]:
    """The pairs of the buckets ``order[starts[r]:ends[r]]`` (rows), each bucket over ``cap``
    first put in ``capped_order`` (``order`` is changed) and counted in ``report``."""
    sizes = ends - starts
    for start, end in zip(starts[sizes > cap], ends[sizes > cap], strict=True):
        members = order[start:end]
        order[start:end] = members[capped_order(docs[members], tiebreak[members])]
        report.oversized += 1
        report.oversized_sizes.append(int(end - start))
    pairs: NDArray[np.int64] = bucket_pairs(docs[order], starts, ends, cap, wanted, HUBS)
    return pairs


def _banded_buckets(
    keys: NDArray[np.uint64], bands: NDArray[np.int64], report: LSHReport
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """The rows in (band, key) order and the buckets of two or more of them (starts, ends into
    that order), their counts added to ``report``: rows holding several bands."""
    order: NDArray[np.int64] = np.lexsort((keys, bands))
    sorted_keys, sorted_bands = keys[order], bands[order]
    differs = (sorted_keys[1:] != sorted_keys[:-1]) | (sorted_bands[1:] != sorted_bands[:-1])
    change = np.flatnonzero(differs) + 1
    starts = np.concatenate(([0], change)).astype(np.int64)
    ends = np.concatenate((change, [len(sorted_keys)])).astype(np.int64)
    sizes = ends - starts
    multi = sizes >= 2
    report.buckets += int(multi.sum())
    if multi.any():
        report.largest = max(report.largest, int(sizes.max()))
    return order, starts[multi], ends[multi]


@nb.njit(inline="always")
def _enough(shared, words_a, words_b, min_bands, short_words, short_bands):  # type: ignore[no-untyped-def]
    """The rule of ``enough_bands`` for one pair: the one place it is written."""
    short = (words_a <= short_words) | (words_b <= short_words)
    return shared >= (short_bands if short else min_bands)


@nb.njit(nogil=True, cache=True)
def _enough_each(shared, words_a, words_b, min_bands, short_words, short_bands):  # type: ignore[no-untyped-def]
    out = np.empty(shared.size, np.bool_)
    for i in range(shared.size):
        out[i] = _enough(shared[i], words_a[i], words_b[i], min_bands, short_words, short_bands)
    return out


def enough_bands(
    shared: NDArray[np.int64],
    words_a: NDArray[np.int64],
    words_b: NDArray[np.int64],
    *,
    min_bands: int,
    short_words: int,
    short_bands: int,
) -> NDArray[np.bool_]:
    """Which candidate pairs go on to verification, from how many band keys each shares and
    its two sides' content-word counts: those sharing at least ``min_bands``, or
    ``short_bands`` where a side has at most ``short_words`` (the short-document path's texts,
    which that path finds by their shingles whatever bands they share). One shared band
    between two long texts is what a frequent phrase makes in a corpus without stop words (a
    Zipf corpus: 77 times the pairs that share two); real copies of long texts share 3 bands
    or more (eval/candidate_bands.py). Written once (``_enough``): the local engine's count
    (``_kept_codes``), the living index (adds and queries) and Spark call it."""
    keep: NDArray[np.bool_] = _enough_each(
        np.asarray(shared, np.int64).ravel(),
        np.asarray(words_a, np.int64).ravel(),
        np.asarray(words_b, np.int64).ravel(),
        int(min_bands),
        int(short_words),
        int(short_bands),
    )
    return keep


@nb.njit(nogil=True, cache=True)
def _kept_codes(ordered, counts, count_bits, n, words, min_bands, short_words, short_bands):  # type: ignore[no-untyped-def]
    """The distinct pair codes (a * n + b) of sorted ``ordered`` whose summed band counts pass
    ``enough_bands`` (``words``: content words by document), written in place at the start of
    ``ordered``, and how many were kept and dropped. A row counts ``counts[i]`` bands where
    ``counts`` is given, else the band count packed in its low ``count_bits`` bits, else one
    (a code listed once a band). One pass, in place: the count, its rule and the drop of the
    one-band pairs (most of them, in a corpus of frequent phrases) at once, with no array of
    counts or of either side's words made (numpy's steps took 30 ns a code, 34 s at 1,000,000
    Zipf-1.3 documents). Codes come sorted, so a pair's first document changes rarely and
    is found by a division only then."""
    m = ordered.size
    mask = (np.int64(1) << count_bits) - 1
    kept, thin, shared = 0, 0, 0
    base, top = np.int64(0), np.int64(0)  # the codes in [base, top) have first document a
    words_a = 0
    for i in range(m):
        value = ordered[i]
        code = value >> count_bits
        if counts.size:
            shared += counts[i]
        elif count_bits:
            shared += value & mask
        else:
            shared += 1
        following = ordered[i + 1] >> count_bits if i + 1 < m else code + 1
        last = following != code
        if code >= top:
            a = code // n
            base, top = a * n, a * n + n
            words_a = words[a]
        ok = _enough(shared, words_a, words[code - base], min_bands, short_words, short_bands)
        ordered[kept] = code
        kept += last & ok
        thin += last & (not ok)
        shared = 0 if last else shared
    return kept, thin


def _joined(parts: list[NDArray[np.int64]]) -> NDArray[np.int64]:
    """The parts concatenated, each let go as soon as it is copied (``parts`` is emptied): the
    join needs the rows' memory once, not twice (at 1,000,000 documents the band pairs were
    the run's peak)."""
    out = np.empty(sum(len(p) for p in parts), np.int64)
    start = 0
    parts.reverse()
    while parts:
        part = parts.pop()
        out[start : start + len(part)] = part
        start += len(part)
    return out


@dataclass(slots=True)
class _Ordered:
    """Band pair codes, sorted, as ``_kept_codes`` reads them: each code once a band
    (``count_bits`` 0, no ``counts``), with its chunk's band count packed in its low
    ``count_bits`` bits, or beside it in ``counts``."""

    codes: NDArray[np.int64]
    counts: NDArray[np.int64] = field(default_factory=lambda: np.empty(0, np.int64))
    count_bits: int = 0


def _packable(n: int) -> bool:
    """Whether a pair code over ``n`` documents leaves room for a band count in its low bits
    (up to ~760M documents)."""
    return n * n < 1 << (63 - _COUNT_BITS)


def _packed(code: NDArray[np.int64], count: NDArray[np.int64]) -> NDArray[np.int64]:
    """Each code with its count in the low bits (in place): one array to hold, not two."""
    code <<= _COUNT_BITS
    code |= count
    return code


def _merged(codes: list[NDArray[np.int64]], counts: list[NDArray[np.int64]], n: int) -> _Ordered:
    """The chunks' (sorted unique codes, band counts) as one sorted ``_Ordered``; the lists
    are emptied as they are joined. Each chunk comes sorted, so one timsort of them all merges
    runs (merging each chunk into the union as it came sorted the union again every time: 7 of
    15 s on 20,000 Zipf-1.3 documents). Where the counts fit in the codes' low bits, sorting
    the codes carries them; past that size, an argsort of the codes."""
    if _packable(n):
        packed = [_packed(c, k) for c, k in zip(codes, counts, strict=True)]
        codes.clear()
        counts.clear()
        code = _joined(packed)
        code.sort(kind="stable")  # timsort: it merges the chunks' sorted runs
        return _Ordered(code, count_bits=_COUNT_BITS)
    code, count = _joined(codes), _joined(counts)
    order = np.argsort(code, kind="stable")
    return _Ordered(code[order], count[order])


def candidate_pairs(
    keys: NDArray[np.uint64] | BandColumns,
    eligible: NDArray[np.bool_],
    tiebreak: NDArray[np.uint64],
    *,
    max_bucket: int,
    n_content: NDArray[np.int64] | None = None,
    min_bands: int = 1,
    short_words: int = 0,
    short_bands: int = 1,
    shingles: tuple[NDArray[np.uint32], NDArray[np.int64]] | None = None,
    min_containment: float = 0.0,
) -> tuple[NDArray[np.int64], LSHReport]:
    """Unique pairs (i < j) of eligible documents that share at least ``min_bands`` band keys,
    or ``short_bands`` where a side has at most ``short_words`` content words (``n_content``;
    ``enough_bands``); then, given the ``shingles`` (sets, set offsets), those
    whose shingle containment reaches ``min_containment`` (overlap.py ``enough_overlap``).
    ``keys`` may be ``BandColumns``, read a chunk of bands at a time."""
    report = LSHReport()
    docs = np.flatnonzero(eligible).astype(np.int64)
    if len(docs) < 2:
        return np.empty((0, 2), np.int64), report
    step = _Banding(keys, docs, tiebreak[docs], max_bucket, np.int64(len(eligible)))

    if n_content is None or max(min_bands, short_bands) <= 1:
        # every pair the bands make is kept: the rule passes any count
        words, min_bands, short_bands = np.zeros(int(step.n), np.int64), 1, 1
    else:
        words = np.asarray(n_content, np.int64)

    def thin(found: _Ordered) -> tuple[NDArray[np.int64], int]:
        """The codes that share enough bands, and how many did not."""
        kept, dropped = _kept_codes(
            found.codes, found.counts, found.count_bits, step.n, words,
            min_bands, short_words, short_bands,
        )  # fmt: skip
        return found.codes[:kept].copy(), int(dropped)  # the copy lets the sorted array go

    parts = step.partitions(PARTITION_CODES)
    if parts == 1:
        codes, report.thin = thin(step.counted(report))
    else:
        kept = []
        for found, dropped in step.counted_by_range(parts, report, thin):
            kept.append(found)
            report.thin += dropped
        codes = _joined(kept)
    n = step.n
    pairs = np.empty((len(codes), 2), np.int64)  # filled in place: no two halves to stack
    np.floor_divide(codes, n, out=pairs[:, 0])
    np.remainder(codes, n, out=pairs[:, 1])
    del codes
    if shingles is not None and min_containment > 0 and len(pairs):
        keep = enough_overlap(pairs, *shingles, min_containment=min_containment)
        report.low_overlap = int(len(keep) - keep.sum())
        pairs = pairs[keep]
    return pairs, report


#: the word that says a difference did not fit in one: the next two words hold it
_ESCAPE = np.uint32(0xFFFFFFFF)


@nb.njit(nogil=True, cache=True)
def _deltas(codes, cuts):  # type: ignore[no-untyped-def]
    """Sorted ``codes`` as 4-byte words, each piece ``codes[cuts[k]:cuts[k + 1]]`` alone: each
    code as its difference from the piece's previous code (the first's from 0), one that does
    not fit in a word as ``_ESCAPE`` and its low and high halves; and where each piece's words
    start (the last entry, their end). Half the bytes of the codes: the counted ranges' files
    were the LSH step's largest cost in a corpus of frequent phrases (1.6 GB written and read
    back at 200,000 Zipf-1.3 documents, most of it one-band pairs)."""
    size = 0
    for k in range(cuts.size - 1):
        previous = np.int64(0)
        for i in range(cuts[k], cuts[k + 1]):
            size += 1 if codes[i] - previous < np.int64(_ESCAPE) else 3
            previous = codes[i]
    words = np.empty(size, np.uint32)
    places = np.empty(cuts.size, np.int64)
    w = 0
    for k in range(cuts.size - 1):
        places[k] = w
        previous = np.int64(0)
        for i in range(cuts[k], cuts[k + 1]):
            step = codes[i] - previous
            if step < np.int64(_ESCAPE):
                words[w] = np.uint32(step)
                w += 1
            else:
                words[w] = _ESCAPE
                words[w + 1] = np.uint32(step & 0xFFFFFFFF)
                words[w + 2] = np.uint32(step >> 32)
                w += 3
            previous = codes[i]
    places[cuts.size - 1] = w
    return words, places


@nb.njit(nogil=True, cache=True)
def _undeltas(words, out, at):  # type: ignore[no-untyped-def]
    """One piece of ``_deltas``' words as its codes, written to ``out`` from ``at`` on; where
    the next piece goes."""
    previous = np.int64(0)
    w = 0
    while w < words.size:
        if words[w] == _ESCAPE:
            step = np.int64(words[w + 1]) | (np.int64(words[w + 2]) << 32)
            w += 3
        else:
            step = np.int64(words[w])
            w += 1
        previous += step
        out[at] = previous
        at += 1
    return at


@dataclass(slots=True)
class _Banding:
    """The band pairs of the eligible ``docs`` (as codes a * n + b) and how many bands each
    shares: counted in memory, or range by range through temporary files."""

    keys: NDArray[np.uint64] | BandColumns
    docs: NDArray[np.int64]
    tiebreak: NDArray[np.uint64]  #: of ``docs``
    cap: int
    n: np.int64
    #: every document is wanted (the LSH step pairs eligible documents with each other)
    everyone: NDArray[np.bool_] = field(init=False)
    #: the first chunk of bands and its first band's codes and report, as ``partitions`` made
    #: them: the count takes them instead of reading and pairing them again
    first: tuple[NDArray[np.uint64], NDArray[np.int64], LSHReport] | None = field(
        init=False, default=None
    )

    def __post_init__(self) -> None:
        self.everyone = np.ones(int(self.n), np.bool_)  # once, not once a band

    def _band_codes(
        self, block: NDArray[np.uint64], band: int, report: LSHReport
    ) -> NDArray[np.int64]:
        # the band's keys are read in place (``of``): no column of them is gathered
        found = key_buckets(block[:, band], of=self.docs)
        pairs = _bucket_pairs(found, self.docs, self.tiebreak, self.cap, report, self.everyone)
        codes: NDArray[np.int64] = pairs[:, 0] * self.n + pairs[:, 1]
        return codes

    def _chunks(self) -> range:
        return range(0, self.keys.shape[1], _BANDS_PER_CHUNK)

    def _block(self, first: int) -> NDArray[np.uint64]:
        return _band_block(self.keys, first, min(first + _BANDS_PER_CHUNK, self.keys.shape[1]))

    def _chunk(self, first: int, report: LSHReport) -> Iterator[NDArray[np.int64]]:
        """The codes of each band of the chunk from band ``first`` on, in order, their bucket
        counts added to ``report``; the first band's as ``partitions`` left them, taken once."""
        if first == 0 and self.first is not None:
            block = self.first[0]
            yield self._first_codes(report)  # no name here holds them once the count lets go
            bands = range(1, block.shape[1])
        else:
            block = self._block(first)
            bands = range(block.shape[1])
        for band in bands:
            yield self._band_codes(block, band, report)

    def _first_codes(self, report: LSHReport) -> NDArray[np.int64]:
        """The first band's codes ``partitions`` kept, their bucket counts added to ``report``;
        ``first`` lets go of them."""
        assert self.first is not None
        _, codes, made = self.first
        self.first = None
        report.merge(made)
        return codes

    def partitions(self, most: int) -> int:
        """Ranges the count needs to hold at most ``most`` codes at a time, from the first
        band's pairs (the bands are alike), with room for the ranges' unevenness. The first
        chunk's keys and the first band's codes are kept for the count (``first``)."""
        n, bands = int(self.n), self.keys.shape[1]
        if n * (n - 1) // 2 * bands <= most:
            return 1  # no band can make more
        block, made = self._block(0), LSHReport()
        codes = self._band_codes(block, 0, made)
        self.first = (block, codes, made)
        expected = 1.5 * len(codes) * bands
        return max(1, int(np.ceil(expected / most)))

    def counted(self, report: LSHReport) -> _Ordered:
        """The codes sorted with their shared bands, in memory: each chunk of bands counted
        on its own thread, the chunks merged by one sort at the end."""

        def chunk(first: int) -> tuple[NDArray[np.int64], NDArray[np.int64], LSHReport]:
            local = LSHReport()  # one per thread: no shared counters
            # each band's pairs as codes at once: a third of their memory
            found = list(self._chunk(first, local))
            codes = _joined(found)
            local.raw_pairs += len(codes)
            codes.sort()  # in place of an argsort and a gather: only the values are needed
            unique, shared = run_counts(codes)
            del codes
            return unique, shared, local

        # numpy's sorts and gathers release the GIL, so threads use every core here; the
        # chunks' unique pairs (a pair sharing one band is in one chunk) are summed at the end
        found_codes, found_counts = [], []
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            for codes, counts, local in pool.map(chunk, self._chunks()):
                report.merge(local)
                found_codes.append(codes)
                found_counts.append(counts)
        return _merged(found_codes, found_counts, int(self.n))

    def counted_by_range(
        self,
        parts: int,
        report: LSHReport,
        thin: Callable[[_Ordered], tuple[NDArray[np.int64], int]],
    ) -> Iterator[tuple[NDArray[np.int64], int]]:
        """``thin`` of ``counted``'s codes and shared bands, one range of codes after another
        (ascending): every band's codes are cut by range into temporary files (``_deltas``),
        then each range is read back and counted alone."""
        n = int(self.n)
        # a pair's lower document a has about n - a partners, so equal shares of pairs need
        # ranges of a that widen: a_k = n (1 - sqrt(1 - k / parts))
        lows = (n * (1.0 - np.sqrt(1.0 - np.arange(parts + 1) / parts))).astype(np.int64)
        lows[-1] = n
        bounds = lows[1:-1] * np.int64(n)
        # one file a chunk of bands; where each band's piece of each range lies in it (in
        # words) and how many codes it holds
        where: dict[int, tuple[NDArray[np.int64], NDArray[np.int64]]] = {}
        with tempfile.TemporaryDirectory(prefix="newsdedup-lsh-") as folder:

            def chunk(first: int) -> LSHReport:
                local = LSHReport()
                width = min(_BANDS_PER_CHUNK, self.keys.shape[1] - first)
                cuts = np.zeros((width, parts + 1), np.int64)
                places = np.zeros((width, parts + 1), np.int64)
                with open(Path(folder, str(first)), "wb") as out:
                    for band, codes in enumerate(self._chunk(first, local)):
                        local.raw_pairs += len(codes)
                        codes.sort()
                        cuts[band, 1:-1] = np.searchsorted(codes, bounds)
                        cuts[band, -1] = len(codes)
                        words, places[band] = _deltas(codes, cuts[band])
                        del codes
                        words.tofile(out)
                        del words
                        # a band's arrays (tens of MB) come from the heap once glibc has raised
                        # its mmap threshold, and stay there freed: 0.2 of 0.6 GB at 200,000
                        # Zipf-1.3 documents
                        release_memory()
                # file places: each band's words follow the previous band's
                places += np.r_[0, np.cumsum(places[:, -1])[:-1]][:, None]
                where[first] = (places, np.diff(cuts, axis=1))
                return local

            with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
                for local in pool.map(chunk, self._chunks()):
                    report.merge(local)
            release_memory()

            def counted(p: int) -> tuple[NDArray[np.int64], int]:
                total = sum(int(where[first][1][:, p].sum()) for first in self._chunks())
                codes = np.empty(total, np.int64)
                at = 0
                for first in self._chunks():
                    places, counts = where[first]
                    with open(Path(folder, str(first)), "rb") as f:
                        for band in range(len(counts)):
                            start, end = int(places[band, p]), int(places[band, p + 1])
                            f.seek(start * 4)
                            words = np.fromfile(f, np.uint32, end - start)
                            at = _undeltas(words, codes, at)
                codes.sort()
                kept = thin(_Ordered(codes))
                del codes
                release_memory()  # as above, for each range's arrays
                return kept

            # a range at a time on each thread (the reading, sort and count let go of the
            # GIL), one range more than the threads in flight, so memory holds a few at once
            threads = os.cpu_count() or 1
            with ThreadPoolExecutor(max_workers=threads) as pool:
                running: deque[Future[tuple[NDArray[np.int64], int]]] = deque()
                for p in range(parts):
                    running.append(pool.submit(counted, p))
                    if len(running) > threads:
                        yield running.popleft().result()
                while running:
                    yield running.popleft().result()
