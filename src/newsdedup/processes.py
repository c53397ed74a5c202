"""Worker processes for pure per-document work: one mechanism for every stage that needs cores.

Workers are started as ``python -m newsdedup.worker`` and talk pickles over their standard input
and output: a task is a module-level function and its arguments, the answer its return value.
Unlike multiprocessing's spawn and fork server, this never re-imports the caller's script (no
``if __name__ == "__main__"`` guard needed), and unlike fork it never copies the caller's threads
(numba's, a writer's). Starting a worker costs about a second, so callers use them only for
inputs worth it.

``process_executor`` gives a fork-server ``ProcessPoolExecutor`` instead, for callers that need
futures and to survive a worker that dies (HTML extraction: a crash inside lxml costs only the
pages sent to that worker); it re-imports the caller's ``__main__`` in each worker.
"""

from __future__ import annotations

import multiprocessing
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import IO, Any, TypeVar

from newsdedup.errors import NewsdedupError
from newsdedup.memory import tune_allocator

__all__ = ["map_in_processes", "process_executor", "serve"]

T = TypeVar("T")

_DONE = object()


class _Worker:
    """One worker process, with a thread that drains its output so pipes never deadlock."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "newsdedup.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.results: queue.Queue[Any] = queue.Queue()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

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

    def result(self) -> Any:
        item = self.results.get()
        if item is _DONE:
            self.results.put(_DONE)  # every later call fails the same way
            code = self.proc.wait()
            raise NewsdedupError(
                f"A {self.what} worker process exited with status {code}; its error is "
                "printed above. Run with --workers 1 to work in the main process."
            )
        return item

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


def map_in_processes(
    function: Callable[..., T],
    chunks: Iterable[Any],
    workers: int,
    *args: Any,
    what: str = "newsdedup",
) -> Iterator[T]:
    """``function(chunk, *args)`` of each chunk, in input order, in ``workers`` processes (in
    this one when ``workers < 1``), round robin, at most two chunks per worker in flight so
    memory stays bounded. ``function`` must be importable (a module-level function)."""
    if workers < 1:
        for chunk in chunks:
            yield function(chunk, *args)
        return
    pool = [_Worker(what) for _ in range(workers)]
    sent = received = 0
    try:
        for chunk in chunks:
            pool[sent % workers].send((function, chunk, args))
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
    """The worker loop: tasks until None."""
    tune_allocator()
    while (task := pickle.load(stdin)) is not None:
        function, chunk, args = task
        pickle.dump(function(chunk, *args), stdout, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.flush()


def process_executor(workers: int, preload: Sequence[str] = ()) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes from a fork server that has imported ``preload``
    (``spawn`` where there is no fork server)."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods and preload:
        context.set_forkserver_preload(list(preload))
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=tune_allocator)
