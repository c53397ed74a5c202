import gzip
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsdedup.errors import InputError
from newsdedup.read import FieldMap, read_articles
from newsdedup.read.fields import DEFAULT_FIELDS
from newsdedup.read.parquet import BATCH_ROWS
from newsdedup.report import Report
from newsdedup.types import Article, Origin


def read_table(
    tmp_path: Path, table: pa.Table, fields: FieldMap = DEFAULT_FIELDS, **write: Any
) -> tuple[list[Article], Report]:
    path = tmp_path / "news.parquet"
    pq.write_table(table, path, **write)
    report = Report()
    return list(read_articles([path], fields=fields, report=report)), report


def test_parquet_reads_rows_with_row_numbers(tmp_path: Path) -> None:
    table = pa.table({"id": [1, 2], "text": ["A", "B"], "title": ["T", None]})
    articles, report = read_table(tmp_path, table)
    assert [(a.id, a.text, a.title) for a in articles] == [("1", "A", "T"), ("2", "B", None)]
    path = str(tmp_path / "news.parquet")
    assert [a.origin for a in articles] == [Origin(path, 1), Origin(path, 2)]
    assert report.read == 2


def test_parquet_streams_many_row_groups(tmp_path: Path) -> None:
    n = BATCH_ROWS * 3 + 7
    table = pa.table({"text": [f"t{i}" for i in range(n)]})
    articles, report = read_table(tmp_path, table, row_group_size=500)
    assert [a.text for a in articles] == [f"t{i}" for i in range(n)]
    assert articles[-1].origin == Origin(str(tmp_path / "news.parquet"), n)
    assert report.counters["derived_id"] == n
    assert articles[-1].id == f"news:{n}"


@pytest.mark.parametrize(
    "column",
    [
        pa.array([datetime(2024, 1, 15, 10, 30)], pa.timestamp("us")),
        pa.array([datetime(2024, 1, 15, 10, 30, tzinfo=UTC)], pa.timestamp("ms", tz="UTC")),
        pa.array([1705314600123456789], pa.timestamp("ns", tz="Europe/Paris")),
        pa.array(["2024-01-15T10:30:00Z"]),
        pa.array([1705314600]),
    ],
)
def test_parquet_reads_date_columns(tmp_path: Path, column: pa.Array) -> None:
    [article], report = read_table(tmp_path, pa.table({"text": ["A"], "published": column}))
    assert article.published is not None
    assert article.published.replace(microsecond=0) == datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
    assert report.counters["unparsed_date"] == 0


def test_parquet_aliases_and_field_map(tmp_path: Path) -> None:
    table = pa.table({"maintext": ["A"], "source_domain": ["s.com"], "html": ["<p>"]})
    [article], _ = read_table(tmp_path, table)
    assert (article.text, article.source) == ("A", "s.com")
    table = pa.table({"story": ["S"], "key": ["k"]})
    [article], _ = read_table(tmp_path, table, FieldMap(text="story", id="key"))
    assert (article.id, article.text) == ("k", "S")


def test_parquet_reads_only_needed_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[Any] = []
    original = pq.ParquetFile.iter_batches

    def spy(self: pq.ParquetFile, *args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("columns"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    read_table(tmp_path, pa.table({"text": ["A"], "html": ["<p>"], "id": ["x"]}))
    assert asked == [["id", "text"]]


def test_parquet_binary_text_is_decoded_or_rejected(tmp_path: Path) -> None:
    table = pa.table({"text": pa.array([b"caf\xc3\xa9", b"caf\xe9"], pa.binary())})
    articles, report = read_table(tmp_path, table)
    assert [a.text for a in articles] == ["café"]
    [rejected] = report.rejected
    assert (rejected.origin.line, rejected.reason) == (2, "invalid_utf8")


@pytest.mark.parametrize(
    ("texts", "reason"),
    [(["A", None, "C"], "empty_text"), (["A", "  ", "C"], "empty_text")],
)
def test_parquet_rejects_bad_row_by_number(tmp_path: Path, texts: list[Any], reason: str) -> None:
    articles, report = read_table(tmp_path, pa.table({"text": texts}))
    assert [a.text for a in articles] == ["A", "C"]
    [rejected] = report.rejected
    assert (rejected.origin.line, rejected.reason) == (2, reason)


def test_parquet_non_string_text_is_bad_field(tmp_path: Path) -> None:
    articles, report = read_table(tmp_path, pa.table({"text": [1, 2]}))
    assert articles == []
    assert [r.reason for r in report.rejected] == ["bad_field", "bad_field"]


def test_parquet_missing_text_column_is_one_error_listing_all_columns(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_table(tmp_path, pa.table({"id": ["a", "b"], "html": ["<p>", "<p>"]}))
    assert info.value.origin == Origin(str(tmp_path / "news.parquet"))
    assert "Fields in the schema: id, html." in str(info.value)


@pytest.mark.parametrize("content", [b"not parquet at all", b"PAR1" + b"\0" * 100])
def test_parquet_unreadable_file_is_corrupt(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.parquet"
    path.write_bytes(content)
    report = Report()
    assert list(read_articles([path], report=report)) == []
    [rejected] = report.rejected
    assert (rejected.origin, rejected.reason) == (Origin(str(path)), "corrupt_file")
    assert report.read == 1


def test_parquet_damage_keeps_rows_before_it(tmp_path: Path) -> None:
    path = tmp_path / "news.parquet"
    table = pa.table({"text": [f"text number {i}" * 5 for i in range(4000)]})
    pq.write_table(table, path, row_group_size=1000, compression="none", use_dictionary=False)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 2000] = b"\xff" * 2000
    path.write_bytes(bytes(data))
    report = Report()
    articles = list(read_articles([path], report=report))
    assert 0 < len(articles) < 4000
    [rejected] = report.rejected
    assert rejected.reason == "corrupt_file"
    assert rejected.origin.line == len(articles) + 1
    assert "to 4000 cannot be read" in rejected.detail


def test_parquet_compressed_file_is_reported(tmp_path: Path) -> None:
    plain = tmp_path / "p.parquet"
    pq.write_table(pa.table({"text": ["A"]}), plain)
    packed = tmp_path / "p.parquet.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    report = Report()
    assert list(read_articles([packed], report=report)) == []
    assert report.rejected[0].reason == "corrupt_file"
    assert "gzip-compressed" in report.rejected[0].detail
