"""Article texts stored compressed: ``articles.text`` holds a zstd frame of the UTF-8 text.

Why: the text was a quarter of the file (2.7 KB of an 18.7 KB article at 10,000 generated
articles) and compresses to about half; at half the size about twice as many rows fit a page.
Readers take the text back in SQL through ``TEXT_SQL`` (a function every connection of
``schema.connect``/``open_index`` has) and the full-text index reads its content through the view
``article_texts`` (schema 10). A text stored before schema 10 is an SQL text and comes back as it
is: a row is a BLOB (compressed) or a TEXT (as given), never both.
"""

from __future__ import annotations

import sqlite3
import threading

import zstandard

__all__ = ["TEXT_SQL", "pack", "pack_blob", "register", "unpack", "unpack_blob"]

#: The SQL function that gives a stored text back (``newsdedup_text(a.text)``).
TEXT_SQL = "newsdedup_text"
#: zstd level 1: within 2% of level 3's size on news text, at half its time.
LEVEL = 1

#: The first bytes of every zstd frame (never of a JSON text).
FRAME = b"\x28\xb5\x2f\xfd"

_local = threading.local()  # zstd contexts are not to be shared between threads


def _contexts() -> tuple[zstandard.ZstdCompressor, zstandard.ZstdDecompressor]:
    found = getattr(_local, "contexts", None)
    if found is None:
        found = _local.contexts = (
            zstandard.ZstdCompressor(level=LEVEL),
            zstandard.ZstdDecompressor(),
        )
    return found


def pack(text: str) -> bytes:
    """The stored form of ``text`` (as strict as SQLite: a lone surrogate is refused)."""
    return pack_blob(text.encode("utf-8", "strict"))


def unpack(stored: bytes | str | None) -> str | None:
    """The text of a stored value: a ``pack`` frame, or a text stored before schema 10."""
    if stored is None or isinstance(stored, str):
        return stored
    return _contexts()[1].decompress(stored).decode("utf-8", "strict")


def register(conn: sqlite3.Connection) -> None:
    """Give ``conn`` the SQL function ``TEXT_SQL`` (the view ``article_texts`` needs it)."""
    conn.create_function(TEXT_SQL, 1, unpack, deterministic=True)


def pack_blob(data: bytes) -> bytes:
    """The stored form of a JSON blob (``voice_labels``: terms compress to about half)."""
    return _contexts()[0].compress(data)


def unpack_blob(stored: bytes) -> bytes:
    """The JSON of a stored blob: a ``pack_blob`` frame, or JSON stored before schema 10."""
    return _contexts()[1].decompress(stored) if stored[:4] == FRAME else stored
