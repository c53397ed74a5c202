"""Fingerprint columns kept on disk while no stage needs them.

At 1,000,000 500-word articles the band keys (1 KB an article) and the shingle positions (about
1 KB) are two thirds of the fingerprints, yet the keys are read only by the LSH step, one chunk
of bands at a time, and the positions only by verification. Held in memory from the first batch
on, they put the run's peak at 6.6 GiB. Here each batch's keys and positions are appended to
temporary files as it comes out of the kernel, and read back when, and as far as, a stage needs
them: the keys a chunk of bands at a time, the positions once the candidates are known.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import DTypeLike, NDArray

from newsdedup.fingerprint.batch import Fingerprints

__all__ = ["ColumnFile", "SpilledColumns", "SpilledKeys"]


class ColumnFile:
    """Arrays of one dtype and row shape appended to a temporary file, read back joined."""

    def __init__(
        self, dtype: DTypeLike, row_shape: tuple[int, ...] = (), directory: str | Path | None = None
    ) -> None:
        self.dtype = np.dtype(dtype)
        self.row_shape = row_shape
        self.rows = 0
        # closed by close(): the file lives as long as the run that needs it
        self._file: BinaryIO = tempfile.TemporaryFile(  # noqa: SIM115
            prefix="newsdedup-columns-", dir=directory
        )

    def append(self, array: NDArray[Any]) -> None:
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

    def close(self) -> None:
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
    """The keys and positions of a stream of fingerprint batches, on disk; use as a context
    manager (the files go on exit)."""

    def __init__(self, bands: int, per_file: int, directory: str | Path | None = None) -> None:
        self.keys = SpilledKeys(bands, per_file, directory)
        self.positions = ColumnFile(np.int32, (), directory)

    def __enter__(self) -> SpilledColumns:
        return self

    def __exit__(self, *exc: object) -> None:
        self.keys.close()
        self.positions.close()

    def take(self, fp: Fingerprints) -> Fingerprints:
        """``fp`` without its keys and positions, which are appended here."""
        self.keys.append(fp.keys)
        self.positions.append(fp.positions)
        # empty arrays of their own: a zero-length slice would keep the whole batch alive
        keys = np.empty((0, *fp.keys.shape[1:]), fp.keys.dtype)
        return dataclasses.replace(fp, keys=keys, positions=np.empty(0, fp.positions.dtype))
