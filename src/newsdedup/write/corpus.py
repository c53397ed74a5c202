"""The deduplicated corpus: the articles the caller keeps, one row each, in any output format."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from newsdedup.atomic import StrPath
from newsdedup.types import Article
from newsdedup.write.formats import write_records

__all__ = ["CORPUS_COLUMNS", "CORPUS_SCHEMA", "article_row", "utc_or_none", "write_corpus"]

CORPUS_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("title", pa.string()),
        ("text", pa.string()),
        ("published", pa.timestamp("us", tz="UTC")),
        ("url", pa.string()),
        ("source", pa.string()),
        ("lang", pa.string()),
    ]
)

CORPUS_COLUMNS = list(CORPUS_SCHEMA.names)


def article_row(article: Article) -> dict[str, Any]:
    """The article's output fields; ``published`` is a UTC datetime (naive ones are taken as UTC).

    It stays a datetime so that Parquet stores a timestamp; JSONL and CSV write it as ISO 8601.
    """
    return {
        "id": article.id,
        "title": article.title,
        "text": article.text,
        "published": utc_or_none(article.published),
        "url": article.url,
        "source": article.source,
        "lang": article.lang,
    }


def write_corpus(articles: Iterable[Article], path: StrPath) -> int:
    """Write the articles to keep atomically to ``path``; return how many were written."""
    rows = (article_row(a) for a in articles)
    return write_records(rows, path, columns=CORPUS_COLUMNS, schema=CORPUS_SCHEMA)


def utc_or_none(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
