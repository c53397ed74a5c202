import csv
import io
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from newsdedup.types import Article, Origin
from newsdedup.write import article_row, write_corpus

ARTICLES = [
    Article(
        id="a1",
        text="Le président a déclaré…",
        title="Déclaration",
        url="https://example.org/a1",
        source="example.org",
        published=datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))),
        lang="fr",
        origin=Origin("in.jsonl", 1),
    ),
    Article(id="a2", text="Bare text only."),
]

COLUMNS = ["id", "title", "text", "published", "url", "source", "lang"]
BARE = dict.fromkeys(COLUMNS) | {"id": "a2", "text": "Bare text only."}


def test_corpus_article_row_fields() -> None:
    row = article_row(ARTICLES[0])
    assert list(row) == COLUMNS
    assert row["published"] == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert row["published"].utcoffset() == timedelta(0)
    assert article_row(ARTICLES[1]) == BARE


def test_corpus_article_row_naive_published_is_utc() -> None:
    row = article_row(Article(id="x", text="t", published=datetime(2024, 1, 1, 8, 30)))
    assert row["published"] == datetime(2024, 1, 1, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize("name", ["corpus.jsonl", "corpus.jsonl.zst"])
def test_corpus_jsonl_round_trip(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    assert write_corpus(iter(ARTICLES), path) == 2
    data = path.read_bytes()
    if name.endswith(".zst"):
        data = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)).read()
    rows = [orjson.loads(line) for line in data.splitlines()]
    assert rows[0]["published"] == "2024-05-01T12:00:00+00:00"
    assert rows[0]["text"] == "Le président a déclaré…"
    assert rows[1] == BARE


def test_corpus_csv_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "corpus.csv"
    write_corpus(ARTICLES, path)
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == COLUMNS
    assert rows[0]["published"] == "2024-05-01T12:00:00+00:00"
    assert rows[1]["published"] == "" and rows[1]["title"] == ""


def test_corpus_parquet_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "corpus.parquet"
    write_corpus(ARTICLES, path)
    table = pq.read_table(path)
    assert table.column_names == COLUMNS
    assert table.schema.field("published").type == pa.timestamp("us", tz="UTC")
    assert table.to_pylist() == [article_row(a) for a in ARTICLES]
