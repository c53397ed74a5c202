"""Page extraction in a process pool, in input order and in constant memory.

The stream is cut into chunks of a few pages; each chunk's pages go to a worker process while
reading goes on, and chunks come back in the order they were cut, so output order is input order.
At most ``IN_FLIGHT`` chunks per worker are out at once, so memory does not grow with the input.

Workers start from a fork server (``spawn`` where there is none): forking the main process itself
would copy whatever threads it runs (numba's, a writer's), which can deadlock the child. Starting
them costs about a second, so the first ``POOL_AFTER`` pages are extracted in process and a small
input never starts a pool. A worker that dies (a crash inside lxml, the OOM killer) costs only
the pages sent to it: they are rejected with ``extract_failed`` and a fresh pool takes over.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsdedup.processes import process_executor
from newsdedup.read.pages import Item, Page, extract_chunk, finish, resolve, resolve_all
from newsdedup.types import Article, Rejected

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from newsdedup.read.pages import Outcome

__all__ = ["CHUNK_PAGES", "IN_FLIGHT", "POOL_AFTER", "extract_pages"]

CHUNK_PAGES = 8  #: pages sent to a worker at a time (about 160 ms of work)
CHUNK_BYTES = 4 << 20  #: a chunk is also cut once its pages hold this many bytes
CHUNK_ITEMS = 256  #: and once it holds this many items, pages or not
IN_FLIGHT = 2  #: chunks per worker out at once
POOL_AFTER = 32  #: pages extracted in process before the pool starts

_PRELOAD = ["trafilatura", "newsdedup.read.pages"]  # imported once, in the fork server


def extract_pages(
    items: Iterable[Item], *, extractor: str, workers: int
) -> Generator[Article | Rejected, None, None]:
    """Each Page extracted into an Article or a Rejected, other items as they are, in order.

    ``workers`` is the number of worker processes; at 1 or less everything runs in this process.
    """
    if workers <= 1:
        return resolve_all(items, extractor)
    return _pooled(items, extractor, workers)


def _pooled(
    items: Iterable[Item], extractor: str, workers: int
) -> Generator[Article | Rejected, None, None]:
    pool = _Pool(extractor, workers)
    pending: deque[_Chunk] = deque()
    try:
        for chunk in _chunks(items):
            pending.append(pool.submit(chunk))
            while pending and (pending[0].ready() or len(pending) > IN_FLIGHT * workers):
                yield from pool.collect(pending.popleft())
        while pending:
            yield from pool.collect(pending.popleft())
    finally:
        pool.close()


@dataclass(slots=True)
class _Chunk:
    """Items in input order, and the pending outcomes of the pages among them."""

    items: list[Item]
    future: Future[list[Outcome]] | None = None  # None: every item is final already

    def ready(self) -> bool:
        return self.future is None or self.future.done()


def _chunks(items: Iterable[Item]) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    pages = size = 0
    for item in items:
        chunk.append(item)
        if isinstance(item, Page):
            pages, size = pages + 1, size + len(item.html)
        if pages >= CHUNK_PAGES or size >= CHUNK_BYTES or len(chunk) >= CHUNK_ITEMS:
            yield chunk
            chunk, pages, size = [], 0, 0
    if chunk:
        yield chunk


class _Pool:
    """A process pool started on demand, and restarted if a worker dies."""

    def __init__(self, extractor: str, workers: int) -> None:
        self.extractor = extractor
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None  # started on demand
        self.in_process = 0  # pages extracted here before the pool started

    def submit(self, items: list[Item]) -> _Chunk:
        pages = [(item.html, item.url) for item in items if isinstance(item, Page)]
        if not pages:
            return _Chunk(items)
        if self.executor is None and self.in_process < POOL_AFTER:
            self.in_process += len(pages)
            return _Chunk([resolve(item, self.extractor) for item in items])
        if self.executor is None:
            self.executor = process_executor(self.workers, _PRELOAD)
        return _Chunk(items, self.executor.submit(extract_chunk, pages, self.extractor))

    def collect(self, chunk: _Chunk) -> Generator[Article | Rejected, None, None]:
        outcomes = iter(self._outcomes(chunk))
        for item in chunk.items:
            yield finish(item, next(outcomes)) if isinstance(item, Page) else item

    def _outcomes(self, chunk: _Chunk) -> list[Outcome]:
        if chunk.future is None:
            return []
        try:
            return chunk.future.result()
        except BrokenProcessPool as exc:
            self.close()  # the next chunk starts a fresh pool
            died = f"a worker process died while extracting it ({exc})"
            return [died for item in chunk.items if isinstance(item, Page)]

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
