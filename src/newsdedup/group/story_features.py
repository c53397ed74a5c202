"""A voice's words and names, found in a second process while the first places the voices.

Finding the content words, names and days of a text is regex work under the GIL (about 0.3 ms
of a voice's ~1 ms) and depends on nothing but the text, so a worker process can find them for
the voices ahead while the main process weighs and places the current one. The worker is a
``python -c`` that runs ``serve`` and talks pickles over its standard input and output, as
the fingerprinting workers do (engine/pool.py): no re-import of the caller's script, no fork
of numba's threads. One thread feeds it texts and another reads its results into a
queue, so neither side waits on a full pipe and the worker can run ``AHEAD`` messages ahead.
Results come back in order and are the same dicts a ``FeatureFinder`` returns in process.
"""

from __future__ import annotations

import contextlib
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import IO

from newsdedup.errors import NewsdedupError
from newsdedup.fingerprint.terms import background_probability, content_terms, entity_terms

__all__ = [
    "AHEAD",
    "CHUNK",
    "WORKER_AFTER",
    "FeatureFinder",
    "Features",
    "features_in_worker",
    "serve",
]

#: Texts per message to the worker.
CHUNK = 64

#: Messages of features the worker may run ahead of the voices being placed.
AHEAD = 64

#: Voices below which features are found in process (starting the worker costs ~0.5 s).
WORKER_AFTER = 4096

# Not ``-m newsdedup.group.story_features``: the package imports this module first (a warning).
_WORKER = (
    "import sys; from newsdedup.group.story_features import serve; "
    "serve(sys.stdin.buffer, sys.stdout.buffer)"
)

#: Content-word counts, the names and days (word -> spelling) of one text, and the background
#: probability (``DocumentFrequencies``) of those of its terms no earlier text held.
Features = tuple[dict[str, int], dict[str, str], dict[str, float]]


class FeatureFinder:
    """``features`` of texts given in stream order (it remembers which terms it has seen)."""

    def __init__(self, *, rare_zipf: float, background: str) -> None:
        self.rare_zipf = rare_zipf
        self.background = background
        self._probability = background_probability(background)
        self._seen: set[str] = set()

    def __call__(self, text: str) -> Features:
        counts = content_terms(text)
        names = entity_terms(text, rare_zipf=self.rare_zipf, background=self.background)
        new = set(counts).union(names).difference(self._seen)
        self._seen |= new
        return counts, names, {t: self._probability(t) for t in new}


def features_in_worker(
    texts: Iterable[str], *, rare_zipf: float, background: str
) -> Iterator[Features]:
    """A ``FeatureFinder``'s features of each text, in order, found by a worker process."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _WORKER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    if proc.stdin is None or proc.stdout is None:  # never: both are pipes
        raise NewsdedupError("The story feature worker has no pipes; report this as a bug.")
    results: queue.Queue[list[Features] | None] = queue.Queue(maxsize=AHEAD)
    threads = [
        threading.Thread(target=_feed, args=(proc.stdin, texts, (rare_zipf, background))),
        threading.Thread(target=_drain, args=(proc.stdout, results)),
    ]
    for thread in threads:
        thread.daemon = True
        thread.start()
    try:
        while (batch := results.get()) is not None:
            yield from batch
        if proc.wait() != 0:
            raise NewsdedupError(
                f"The story feature worker stopped early (exit status {proc.returncode}); "
                "run with --set run.workers=1 to find features in process."
            )
    finally:
        if proc.poll() is None:
            proc.kill()
        while threads[1].is_alive():  # unblock the drain thread if the queue is full
            with contextlib.suppress(queue.Empty):
                results.get(timeout=0.1)
        proc.wait()
        threads[0].join()
        proc.stdout.close()


def _drain(stdout: IO[bytes], results: queue.Queue[list[Features] | None]) -> None:
    """Read the worker's batches as they come, so it can run up to ``AHEAD`` batches ahead."""
    try:
        while (batch := pickle.load(stdout)) is not None:
            results.put(batch)
    except (EOFError, OSError, pickle.UnpicklingError):
        pass  # the worker died or was stopped: the caller checks its exit status
    results.put(None)


def _feed(stdin: IO[bytes], texts: Iterable[str], settings: tuple[float, str]) -> None:
    try:
        pickle.dump(settings, stdin)
        chunk: list[str] = []
        for text in texts:
            chunk.append(text)
            if len(chunk) == CHUNK:
                pickle.dump(chunk, stdin, protocol=pickle.HIGHEST_PROTOCOL)
                chunk = []
        if chunk:
            pickle.dump(chunk, stdin, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(None, stdin)
        stdin.close()
    except (BrokenPipeError, ValueError):  # the worker stopped first (an error, or killed)
        pass


def serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """The worker loop: settings, then chunks of texts until None."""
    rare_zipf, background = pickle.load(stdin)
    find = FeatureFinder(rare_zipf=rare_zipf, background=background)
    while (chunk := pickle.load(stdin)) is not None:
        found = [find(t) for t in chunk]
        pickle.dump(found, stdout, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.flush()
    pickle.dump(None, stdout)
    stdout.flush()
