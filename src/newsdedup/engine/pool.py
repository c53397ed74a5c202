"""Fingerprinting in worker processes, so reading, parsing and hashing use every core.

Reading and parsing run in Python under the GIL, so threads alone leave cores idle: measured on
2 cores, the main process spends about 30 us per 500-word article reading, parsing and
normalising, and the compiled kernel about 40 us. Here the main process reads and sends texts;
``workers`` processes normalise and fingerprint them (one kernel thread each) and send the
columnar fingerprints back.

Workers are started as ``python -m newsdedup.engine.worker`` and talk pickles over their standard
input and output: unlike multiprocessing's spawn, this never re-imports the caller's script (no
``if __name__ == "__main__"`` guard needed), and unlike fork it never copies numba's threads.
Starting them costs about a second, so small inputs stay in process: the pool starts only once
``POOL_AFTER`` documents have been read, and only with more than two workers: on two cores the
main thread and the kernel's threads already keep both busy, and pickling texts and results
then costs more than it gains (measured on 100,000 articles: 9.1 s pooled, 8.0 s in process).
"""

from __future__ import annotations

import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import IO, Any

from newsdedup.config import Config
from newsdedup.errors import NewsdedupError
from newsdedup.fingerprint.batch import Fingerprints, fingerprint_texts, timestamp
from newsdedup.types import Article

__all__ = ["POOL_AFTER", "Payload", "payload", "pooled", "serve"]

#: Documents read before worker processes are started.
POOL_AFTER = 8192

#: What a worker needs of a batch: ids, texts and publication times.
Payload = tuple[list[str], list[str], list[int]]

_DONE = object()


def payload(batch: list[Article]) -> Payload:
    return (
        [a.id for a in batch],
        [a.text for a in batch],
        [timestamp(a.published) for a in batch],
        [len(a.removed) for a in batch],
    )


class _Worker:
    """One worker process, with a thread that drains its output so pipes never deadlock."""

    def __init__(self, config: Config) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "newsdedup.engine.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.results: queue.Queue[Any] = queue.Queue()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        self.send(config)

    def send(self, obj: object) -> None:
        """Send one object; a dead worker is reported by ``result``, not here."""
        assert self.proc.stdin is not None
        try:
            pickle.dump(obj, self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        try:
            while True:
                self.results.put(pickle.load(self.proc.stdout))
        except (EOFError, OSError, pickle.UnpicklingError):
            self.results.put(_DONE)

    def result(self) -> Fingerprints:
        item = self.results.get()
        if item is _DONE:
            self.results.put(_DONE)  # every later call fails the same way
            code = self.proc.wait()
            raise NewsdedupError(
                f"A fingerprinting worker process exited with status {code}; its error is "
                "printed above. Run with --workers 1 to fingerprint in the main process."
            )
        return item  # type: ignore[no-any-return]

    def close(self) -> None:
        """Ask the worker to stop, then wait for it and its reader thread; kill it if it hangs."""
        self.send(None)
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def pooled(payloads: Iterable[Payload], config: Config, workers: int) -> Iterator[Fingerprints]:
    """Fingerprint payloads in ``workers`` processes, round robin; results come back in input
    order, with at most two batches per worker in flight so memory stays bounded."""
    pool = [_Worker(config) for _ in range(workers)]
    sent = received = 0
    try:
        for data in payloads:
            pool[sent % workers].send(data)
            sent += 1
            if sent - received > 2 * workers:
                yield pool[received % workers].result()
                received += 1
        while received < sent:
            yield pool[received % workers].result()
            received += 1
    finally:
        for worker in pool:
            worker.close()


def serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """The worker loop: a Config, then payloads until None."""
    import numba

    numba.set_num_threads(1)  # one process per core already
    config = pickle.load(stdin)
    while (data := pickle.load(stdin)) is not None:
        result = fingerprint_texts(data[0], data[1], data[2], config, data[3])
        pickle.dump(result, stdout, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.flush()
