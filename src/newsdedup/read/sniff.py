"""Telling a file's format from its first bytes, when its name does not tell it.

Crawls name files freely (``page``, ``dump.xml``, ``part-00001.gz``), so a name without a known
suffix is not the end: the first decompressed bytes of WARC, RSS/Atom, HTML, JSON Lines and
Parquet are distinctive enough to tell them apart. Text formats with no marker (plain text, CSV)
are never guessed: they still need their suffix or ``format=``.
"""

from __future__ import annotations

import re
from pathlib import Path

from newsdedup.read.compression import read_head

__all__ = ["SNIFF_BYTES", "sniff", "sniff_file"]

SNIFF_BYTES = 4096  #: decompressed bytes looked at

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

#: Whitespace, XML declarations, processing instructions and comments before the first element.
_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)

#: The first element's opening, lower-cased, and the format it starts.
_MARKUP: tuple[tuple[bytes, str], ...] = (
    (b"<rss", "feed"),
    (b"<feed", "feed"),
    (b"<rdf:rdf", "feed"),
    (b"<!doctype html", "html"),
    (b"<html", "html"),
    (b"<head", "html"),
)


def sniff_file(path: Path) -> str | None:
    """The format ``path``'s content shows, or None (also when it cannot be read)."""
    return sniff(read_head(path, SNIFF_BYTES))


def sniff(head: bytes) -> str | None:
    """The format that decompressed content starting with ``head`` is in, or None."""
    if head.startswith(b"WARC/1."):
        return "warc"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(_UTF16_BOMS):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    head = head.removeprefix(b"\xef\xbb\xbf")
    start = _PROLOG.match(head)
    rest = head[start.end() if start else 0 :][:16].lower()
    for opening, found in _MARKUP:
        if rest.startswith(opening):
            return found
    return "jsonl" if rest.startswith(b"{") else None
