"""A voice's words, names and weights, found in a second process while the first places them.

Everything about a voice before it meets the stories depends only on its text and on the voices
before it: its content words, names and days (regex work), and its TF-IDF vectors, whose online
document frequencies count every earlier voice. So a worker process can keep its own copy of
the document frequencies and weigh the voices ahead while the main process places the current
one (about half of a voice's cost moves off the main process). The worker is a ``python -c``
that runs ``serve`` and talks pickles over its standard input and output, as the fingerprinting
workers do (engine/pool.py): no re-import of the caller's script, no fork of numba's threads.
It starts from the caller's document frequencies and hands its own back at the end, so the
caller ends as if it had weighed the voices itself. One thread feeds it texts and another reads
its results into a queue, so neither side waits on a full pipe and the worker can run
``AHEAD`` messages ahead. Results come back in order and equal a ``VoiceWeigher``'s in process.
"""

from __future__ import annotations

import contextlib
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import IO, NamedTuple

from newsdedup.config import StoriesConfig
from newsdedup.errors import NewsdedupError
from newsdedup.fingerprint.terms import (
    DocumentFrequencies,
    Vector,
    content_terms,
    entity_terms,
    top_terms,
)

__all__ = [
    "AHEAD",
    "CHUNK",
    "WORKER_AFTER",
    "Voice",
    "VoiceWeigher",
    "serve",
    "use_worker",
    "weigh_in_worker",
]

#: Texts per message to the worker.
CHUNK = 64

#: Messages of voices the worker may run ahead of the voices being placed.
AHEAD = 64

#: Voices below which they are weighed in process (starting the worker costs ~0.5 s).
WORKER_AFTER = 4096

#: Terms of the document frequencies shipped to the worker and back per voice it weighs, at
#: most: the round trip of the counts (about 1 us a term) must stay well under what the worker
#: saves (about 0.4 ms a voice), so a long-lived index adding small batches weighs in process.
TERMS_PER_VOICE = 100

# Not ``-m newsdedup.group.story_features``: the package imports this module first (a warning).
_WORKER = (
    "import sys; from newsdedup.group.story_features import serve; "
    "serve(sys.stdin.buffer, sys.stdout.buffer)"
)


class Voice(NamedTuple):
    """What placing a voice needs of its text: its unit TF-IDF vectors over content words and
    over names, the names' spellings, and its heaviest terms and names (heaviest first)."""

    lexical: Vector
    entities: Vector
    names: dict[str, str]
    terms: list[str]
    heavy_names: list[str]


class VoiceWeigher:
    """Weighs voices given in stream order; each one counts in the document frequencies."""

    def __init__(
        self, config: StoriesConfig, terms: DocumentFrequencies, names: DocumentFrequencies
    ) -> None:
        self.config = config
        self.terms = terms
        self.names = names

    def __call__(self, text: str) -> Voice:
        c = self.config
        names = entity_terms(text, rare_zipf=c.rare_zipf, background=c.background)
        lexical = self.terms.add_vector(content_terms(text), c.max_terms)
        entities = self.names.add_vector(dict.fromkeys(names, 1), c.max_terms)
        most = max(c.query_terms, c.index_terms)  # top_terms(v, k) is top_terms(v, most)[:k]
        return Voice(lexical, entities, names, top_terms(lexical, most), top_terms(entities, most))


def use_worker(voices: int, weigher: VoiceWeigher) -> bool:
    """Whether weighing ``voices`` voices in a worker pays for starting it and the round trip
    of the document frequencies."""
    known = len(weigher.terms.smoothed) + len(weigher.names.smoothed)
    return voices >= WORKER_AFTER and known <= voices * TERMS_PER_VOICE


def weigh_in_worker(texts: Iterable[str], weigher: VoiceWeigher) -> Iterator[Voice]:
    """``weigher``'s voice of each text, in order, weighed by a worker process; once all are
    read, ``weigher``'s document frequencies are the worker's (as if weighed here)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _WORKER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    if proc.stdin is None or proc.stdout is None:  # never: both are pipes
        raise NewsdedupError("The story worker has no pipes; report this as a bug.")
    results: queue.Queue[list[Voice] | None] = queue.Queue(maxsize=AHEAD)
    ended: list[tuple[DocumentFrequencies, DocumentFrequencies]] = []
    start = (weigher.config, weigher.terms, weigher.names)
    threads = [
        threading.Thread(target=_feed, args=(proc.stdin, texts, start)),
        threading.Thread(target=_drain, args=(proc.stdout, results, ended)),
    ]
    for thread in threads:
        thread.daemon = True
        thread.start()
    try:
        while (batch := results.get()) is not None:
            yield from batch
        if proc.wait() != 0 or not ended:
            raise NewsdedupError(
                f"The story worker stopped early (exit status {proc.returncode}); "
                "run with --set run.workers=1 to weigh voices in process."
            )
        weigher.terms, weigher.names = ended[0]
    finally:
        if proc.poll() is None:
            proc.kill()
        while threads[1].is_alive():  # unblock the drain thread if the queue is full
            with contextlib.suppress(queue.Empty):
                results.get(timeout=0.1)
        proc.wait()
        threads[0].join()
        proc.stdout.close()


def _drain(
    stdout: IO[bytes],
    results: queue.Queue[list[Voice] | None],
    ended: list[tuple[DocumentFrequencies, DocumentFrequencies]],
) -> None:
    """Read the worker's batches as they come, so it can run up to ``AHEAD`` batches ahead,
    then its final document frequencies."""
    try:
        while (batch := pickle.load(stdout)) is not None:
            results.put(batch)
        ended.append(pickle.load(stdout))
    except (EOFError, OSError, pickle.UnpicklingError):
        pass  # the worker died or was stopped: the caller checks its exit status
    results.put(None)


def _feed(
    stdin: IO[bytes],
    texts: Iterable[str],
    start: tuple[StoriesConfig, DocumentFrequencies, DocumentFrequencies],
) -> None:
    try:
        pickle.dump(start, stdin, protocol=pickle.HIGHEST_PROTOCOL)
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
    """The worker loop: the config and document frequencies, then chunks of texts until None;
    then the document frequencies as they ended."""
    config, terms, names = pickle.load(stdin)
    weigh = VoiceWeigher(config, terms, names)
    while (chunk := pickle.load(stdin)) is not None:
        pickle.dump([weigh(t) for t in chunk], stdout, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.flush()
    pickle.dump(None, stdout)
    pickle.dump((weigh.terms, weigh.names), stdout, protocol=pickle.HIGHEST_PROTOCOL)
    stdout.flush()
