"""Columnar fingerprints of many documents, built one batch at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from newsdedup.clean.normalize import prenormalize
from newsdedup.config import Config
from newsdedup.errors import StoreError
from newsdedup.fingerprint.kernels import band_keys, compact, fingerprint_batch
from newsdedup.fingerprint.minhash import permutations, stopword_table
from newsdedup.types import Article

__all__ = [
    "NO_DATE",
    "Fingerprints",
    "concat",
    "fingerprint_articles",
    "fingerprint_texts",
    "timestamp",
]

#: ``published`` value of a document without a date (sorts after every real date).
NO_DATE = np.iinfo(np.int64).max


@dataclass(frozen=True, slots=True, kw_only=True)
class Fingerprints:
    """Everything later stages need of n documents, without their text.

    ``sets[set_offsets[d]:set_offsets[d+1]]`` is document d's shingle hashes, sorted and unique,
    and ``positions[...]`` where each first occurs, packed with a repeat flag (see
    ``kernels.index_shingles``); ``keys`` holds one LSH bucket key per band.
    """

    scheme: str
    ids: list[str]
    exact: NDArray[np.uint64]  # (n, 2)
    keys: NDArray[np.uint64]  # (n, bands)
    sets: NDArray[np.uint32]
    positions: NDArray[np.int32]
    set_offsets: NDArray[np.int64]
    n_words: NDArray[np.int64]
    n_content: NDArray[np.int64]
    published: NDArray[np.int64]  # epoch seconds, NO_DATE when unknown

    def __len__(self) -> int:
        return len(self.ids)

    def shingle_positions(self, d: int) -> NDArray[np.int32]:
        return self.positions[self.set_offsets[d] : self.set_offsets[d + 1]]

    def shingle_set(self, d: int) -> NDArray[np.uint32]:
        return self.sets[self.set_offsets[d] : self.set_offsets[d + 1]]


def timestamp(value: datetime | None) -> int:
    """Epoch seconds of a publication time, NO_DATE when unknown."""
    return NO_DATE if value is None else int(value.timestamp())


def fingerprint_texts(
    ids: list[str], texts: Sequence[str], published: Sequence[int], config: Config
) -> Fingerprints:
    """Fingerprint normalised-on-the-fly texts; the kernel releases the GIL while it runs."""
    norm = config.normalize
    encoded = [prenormalize(t, norm).encode("utf-8", "surrogatepass") for t in texts]
    lengths = np.fromiter((len(e) for e in encoded), np.int64, len(encoded))
    offsets = np.zeros(len(encoded) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    buf = np.frombuffer(b"".join(encoded), np.uint8)
    a, b = permutations(config.minhash.num_perm, config.minhash.seed)
    stop = stopword_table(config.shingle.stopwords)
    out = fingerprint_batch(
        buf,
        offsets,
        stop,
        config.shingle.size,
        a,
        b,
        norm.casefold,
        norm.collapse_whitespace,
        norm.unify_punctuation,
    )
    exact, sets, positions, bounds, _, n_set, n_words, n_content, sig = out
    sets, set_off = compact(sets, bounds, n_set)
    positions, _ = compact(positions, bounds, n_set)
    return Fingerprints(
        scheme=config.fingerprint_id,
        ids=ids,
        exact=exact,
        keys=band_keys(sig, config.lsh.bands, config.lsh.rows),
        sets=sets,
        positions=positions,
        set_offsets=set_off,
        n_words=n_words,
        n_content=n_content,
        published=np.asarray(published, np.int64),
    )


def fingerprint_articles(articles: Sequence[Article], config: Config) -> Fingerprints:
    return fingerprint_texts(
        [a.id for a in articles],
        [a.text for a in articles],
        [timestamp(a.published) for a in articles],
        config,
    )


def _concat_csr(
    parts: Sequence[tuple[NDArray[np.uint32], NDArray[np.int64]]],
) -> tuple[NDArray[np.uint32], NDArray[np.int64]]:
    values = np.concatenate([v for v, _ in parts]) if parts else np.empty(0, np.uint32)
    shifted, base = [np.zeros(1, np.int64)], 0
    for v, off in parts:
        shifted.append(off[1:] + base)
        base += len(v)
    return values, np.concatenate(shifted)


def concat(parts: Sequence[Fingerprints], config: Config) -> Fingerprints:
    """Join batches into one Fingerprints (an empty one when there are none)."""
    if not parts:
        return fingerprint_texts([], [], [], config)
    schemes = {p.scheme for p in parts}
    if len(schemes) > 1:
        raise StoreError(
            f"Cannot join fingerprints made with different schemes: {sorted(schemes)}. "
            "Fingerprint every batch with one Config."
        )
    sets, set_off = _concat_csr([(p.sets, p.set_offsets) for p in parts])
    positions = np.concatenate([p.positions for p in parts])
    return Fingerprints(
        scheme=parts[0].scheme,
        ids=[i for p in parts for i in p.ids],
        exact=np.concatenate([p.exact for p in parts]),
        keys=np.concatenate([p.keys for p in parts]),
        sets=sets,
        positions=positions,
        set_offsets=set_off,
        n_words=np.concatenate([p.n_words for p in parts]),
        n_content=np.concatenate([p.n_content for p in parts]),
        published=np.concatenate([p.published for p in parts]),
    )
