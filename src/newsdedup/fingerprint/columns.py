"""Fingerprint columns kept on disk while no stage needs them.

At 1,000,000 500-word articles the band keys (1 KB an article) and the shingle positions (about
1 KB) are two thirds of the fingerprints, yet the keys are read only by the LSH step, one chunk
of bands at a time, and the positions only by verification. Held in memory from the first batch
on, they put the run's peak at 6.6 GiB. Here each batch's keys, shingle sets and positions are
appended to temporary files as it comes out of the kernel, and read back when, and as far as, a
stage needs them: the keys a chunk of bands at a time; the sets and positions through a mapping
of their file (``ColumnFile.mapped``), whose pages come in as a stage touches them and leave
the process's memory at ``drop_pages`` (they stay in the page cache). On articles of 300-800
words the sets and positions are 1.6 GB each at 1,000,000 documents: held in memory, the sets
sat under the LSH step's band pairs and the positions beside the sets at verification.
"""

from __future__ import annotations

import dataclasses
import itertools
import mmap
import os
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

import numba as nb
import numpy as np
from numpy.typing import DTypeLike, NDArray

from newsdedup.fingerprint.batch import Fingerprints

__all__ = ["SPAN_BYTES", "ColumnFile", "SpilledColumns", "SpilledKeys"]


#: File bytes ``ColumnFile.rows_of`` reads through the mapping before letting their pages go.
SPAN_BYTES = 64 << 20


@nb.njit(nogil=True, parallel=True, cache=True)
def _copy_rows(column, starts, out, out_offsets, first, last):  # type: ignore[no-untyped-def]
    """Rows ``starts[i]`` on of ``column`` into ``out[out_offsets[i]:out_offsets[i + 1]]``,
    for i in [first, last), on every thread (the verify step's gathers were serial)."""
    for i in nb.prange(first, last):
        lo, hi = out_offsets[i], out_offsets[i + 1]
        out[lo:hi] = column[starts[i] : starts[i] + hi - lo]


class ColumnFile:
    """Arrays of one dtype and row shape appended to a temporary file, read back joined."""

    def __init__(
        self, dtype: DTypeLike, row_shape: tuple[int, ...] = (), directory: str | Path | None = None
    ) -> None:
        self.dtype = np.dtype(dtype)
        self.row_shape = row_shape
        self.rows = 0
        self._map: mmap.mmap | None = None
        self._mapped: NDArray[Any] | None = None
        # closed by close(): the file lives as long as the run that needs it
        self._file: BinaryIO = tempfile.TemporaryFile(  # noqa: SIM115
            prefix="newsdedup-columns-", dir=directory
        )

    def append(self, array: NDArray[Any]) -> None:
        if self._map is not None:
            raise ValueError("A mapped column file takes no more rows.")
        block = np.ascontiguousarray(array, dtype=self.dtype)
        self._file.write(block.data)
        self.rows += len(block)

    def read(self) -> NDArray[Any]:
        """Every row appended so far, as one array (read without a second copy)."""
        self._file.flush()
        out = np.empty((self.rows, *self.row_shape), self.dtype)
        view = out.reshape(-1).view(np.uint8).data
        done, fd = 0, self._file.fileno()
        while done < len(view):  # preadv: thread safe, and large reads may come back short
            got = os.preadv(fd, [view[done:]], done)
            if got <= 0:
                raise OSError(f"The column file ended after {done} of {len(view)} bytes.")
            done += got
        return out

    def mapped(self) -> NDArray[Any]:
        """Every row, as an array over a shared mapping of the file (writable, like
        ``read``'s, so compiled kernels see the same array type; nothing writes to it): no
        copy is made, and the pages a stage reads count in the process's memory until
        ``drop_pages``. The file takes no more rows once mapped."""
        if self._mapped is not None:
            return self._mapped
        self._file.flush()
        size = self.rows * self.dtype.itemsize * int(np.prod(self.row_shape, dtype=np.int64))
        if size == 0:  # no file can map nothing
            self._mapped = np.empty((self.rows, *self.row_shape), self.dtype)
            return self._mapped
        # the mapping holds its own descriptor: arrays over it outlive close()
        self._map = mmap.mmap(self._file.fileno(), size)
        self._mapped = np.frombuffer(self._map, self.dtype).reshape(self.rows, *self.row_shape)
        return self._mapped

    def drop_pages(self, start: int = 0, stop: int | None = None) -> None:
        """Let go of the mapped pages of bytes [start, stop) (all by default); the arrays stay
        valid and read them again from the page cache, or the file, when touched."""
        if self._map is None:
            return
        stop = len(self._map) if stop is None else min(stop, len(self._map))
        start -= start % mmap.PAGESIZE
        if stop > start:
            self._map.madvise(mmap.MADV_DONTNEED, start, stop - start)

    def rows_of(
        self, offsets: NDArray[np.int64], docs: NDArray[np.int64]
    ) -> tuple[NDArray[Any], NDArray[np.int64]]:
        """Of a file of one value a row, the runs ``offsets[d]:offsets[d + 1]`` of the
        ascending ``docs``, joined, and where each starts (``offsets`` of the result). Read
        through the mapping about SPAN_BYTES of the file at a time, each span's pages let go
        once copied: memory holds what is gathered, not the file (a read through the mapping
        brings in the pages around it too: 1,000 random reads of a mapped 256 MB file held
        all of it, Linux 6.18)."""
        column = self.mapped()
        starts = offsets[docs]
        out_offsets = np.zeros(len(docs) + 1, np.int64)
        np.cumsum(offsets[docs + 1] - starts, out=out_offsets[1:])
        out = np.empty(int(out_offsets[-1]), self.dtype)
        span = starts // max(1, SPAN_BYTES // self.dtype.itemsize)
        cuts = [0, *(np.flatnonzero(span[1:] != span[:-1]) + 1).tolist(), len(docs)]
        same = np.dtype(f"u{self.dtype.itemsize}")  # sets and positions: one compiled copy
        for first, last in itertools.pairwise(cuts):
            if first == last:
                continue
            _copy_rows(column.view(same), starts, out.view(same), out_offsets, first, last)
            end = int(starts[last - 1]) + int(out_offsets[last] - out_offsets[last - 1])
            self.drop_pages(int(starts[first]) * self.dtype.itemsize, end * self.dtype.itemsize)
        return out, out_offsets

    def close(self) -> None:
        # the mapping goes with the last array over it (closing it here would fail while
        # one is left)
        self._map, self._mapped = None, None
        self._file.close()


class SpilledKeys:
    """LSH band keys (n, bands), one file per chunk of ``per_file`` bands; the LSH step reads a
    chunk with ``columns`` (``candidates.lsh.BandColumns``)."""

    def __init__(self, bands: int, per_file: int, directory: str | Path | None = None) -> None:
        self.bands, self.per_file = bands, per_file
        firsts = range(0, bands, per_file)
        self._files = [
            ColumnFile(np.uint64, (min(per_file, bands - f),), directory) for f in firsts
        ]

    @property
    def shape(self) -> tuple[int, int]:
        return (self._files[0].rows if self._files else 0, self.bands)

    def append(self, keys: NDArray[np.uint64]) -> None:
        for i, file in enumerate(self._files):
            file.append(keys[:, i * self.per_file : (i + 1) * self.per_file])

    def columns(self, first: int, last: int) -> NDArray[np.uint64]:
        """Bands ``first`` to ``last`` (exclusive) of every document, (n, last - first)."""
        lo, hi = first // self.per_file, -(-last // self.per_file)
        blocks = [f.read() for f in self._files[lo:hi]]
        block = blocks[0] if len(blocks) == 1 else np.concatenate(blocks, axis=1)
        start = first - lo * self.per_file
        return block[:, start : start + last - first]

    def close(self) -> None:
        for file in self._files:
            file.close()


class SpilledColumns:
    """The keys, shingle sets and positions of a stream of fingerprint batches, on disk; use as
    a context manager (the files go on exit, once no mapped array is left)."""

    def __init__(self, bands: int, per_file: int, directory: str | Path | None = None) -> None:
        self.keys = SpilledKeys(bands, per_file, directory)
        self.sets = ColumnFile(np.uint32, (), directory)
        self.positions = ColumnFile(np.int32, (), directory)

    def __enter__(self) -> SpilledColumns:
        return self

    def __exit__(self, *exc: object) -> None:
        self.keys.close()
        self.sets.close()
        self.positions.close()

    def take(self, fp: Fingerprints) -> Fingerprints:
        """``fp`` without its keys, sets and positions, which are appended here (its set
        offsets stay: ``mapped`` sets fit them)."""
        self.keys.append(fp.keys)
        self.sets.append(fp.sets)
        self.positions.append(fp.positions)
        # empty arrays of their own: a zero-length slice would keep the whole batch alive
        keys = np.empty((0, *fp.keys.shape[1:]), fp.keys.dtype)
        return dataclasses.replace(
            fp,
            keys=keys,
            sets=np.empty(0, fp.sets.dtype),
            positions=np.empty(0, fp.positions.dtype),
        )

    def drop_pages(self) -> None:
        """Let go of the sets' and positions' mapped pages read so far (``ColumnFile``)."""
        self.sets.drop_pages()
        self.positions.drop_pages()
