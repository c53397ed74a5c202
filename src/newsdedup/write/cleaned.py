"""Cleaned articles: every article once, with the boilerplate taken out and why."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa

from newsdedup.atomic import StrPath
from newsdedup.types import Article
from newsdedup.write.corpus import utc_or_none
from newsdedup.write.formats import write_records

__all__ = [
    "CLEANED_SCHEMA",
    "REMOVAL_SCHEMA",
    "cleaned_row",
    "removal_rows",
    "write_cleaned",
    "write_removals",
]

_REMOVAL = pa.struct(
    [
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("text", pa.string()),
        ("reason", pa.string()),
        ("rule", pa.string()),
    ]
)

CLEANED_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("title", pa.string()),
        ("text", pa.string()),
        ("published", pa.timestamp("us", tz="UTC")),
        ("language", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("author", pa.string()),
        ("removed", pa.list_(_REMOVAL)),
        ("raw", pa.string()),
    ]
)

#: One row per removed span, for listing what cleaning took out.
REMOVAL_SCHEMA = pa.schema([("id", pa.string()), *((f.name, f.type) for f in _REMOVAL)])


def cleaned_row(article: Article, *, raw: bool = False) -> dict[str, Any]:
    """The output fields of a cleaned article; ``removed`` offsets point into ``raw``."""
    return {
        "id": article.id,
        "title": article.title,
        "text": article.text,
        "published": utc_or_none(article.published),
        "language": article.lang,
        "source": article.source,
        "url": article.url,
        "author": article.author,
        "removed": [r.as_dict() for r in article.removed],
        "raw": (article.raw if article.raw is not None else article.text) if raw else None,
    }


def write_cleaned(articles: Iterable[Article], path: StrPath, *, raw: bool = False) -> int:
    """Write every article atomically to ``path``; ``raw`` adds the text before cleaning."""
    schema = CLEANED_SCHEMA if raw else CLEANED_SCHEMA.remove(CLEANED_SCHEMA.get_field_index("raw"))
    rows = (cleaned_row(a, raw=raw) for a in articles)
    return write_records(rows, path, columns=list(schema.names), schema=schema)


def removal_rows(articles: Iterable[Article]) -> Iterator[dict[str, Any]]:
    for article in articles:
        for removal in article.removed:
            yield {"id": article.id, **removal.as_dict()}


def write_removals(rows: Iterable[dict[str, Any]], path: StrPath) -> int:
    """Write one row per removal (id, start, end, text, reason, rule) atomically to ``path``."""
    return write_records(rows, path, schema=REMOVAL_SCHEMA)
