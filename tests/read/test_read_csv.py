import csv
from pathlib import Path

import pytest

from newsdedup.errors import InputError
from newsdedup.read import FieldMap, read_articles
from newsdedup.read.fields import DEFAULT_FIELDS
from newsdedup.report import Report
from newsdedup.types import Article, Origin


def read_csv_bytes(
    tmp_path: Path, content: bytes, fields: FieldMap = DEFAULT_FIELDS
) -> tuple[list[Article], Report]:
    path = tmp_path / "news.csv"
    path.write_bytes(content)
    report = Report()
    return list(read_articles([path], fields=fields, report=report)), report


def test_csv_reads_rows_with_first_line_numbers(tmp_path: Path) -> None:
    content = b'id,text,title\r\na,"one\r\ntwo",T\r\nb,three,\r\n'
    articles, report = read_csv_bytes(tmp_path, content)
    assert [(a.id, a.text, a.title) for a in articles] == [
        ("a", "one\r\ntwo", "T"),
        ("b", "three", None),
    ]
    assert [a.origin for a in articles] == [
        Origin(str(tmp_path / "news.csv"), 2),
        Origin(str(tmp_path / "news.csv"), 4),
    ]
    assert report.read == 2


def test_csv_handles_bom_and_spaced_header(tmp_path: Path) -> None:
    articles, _ = read_csv_bytes(tmp_path, b"\xef\xbb\xbfid , text\n1,A\n")
    assert [(a.id, a.text) for a in articles] == [("1", "A")]


def test_csv_uses_aliases_and_field_map(tmp_path: Path) -> None:
    articles, _ = read_csv_bytes(tmp_path, b"doc_id,maintext,date\n7,A,2024-01-15\n")
    assert [(a.id, a.text) for a in articles] == [("7", "A")]
    assert articles[0].published is not None
    fields = FieldMap(text="story", id="key")
    articles, _ = read_csv_bytes(tmp_path, b"key,story\nk,S\n", fields)
    assert [(a.id, a.text) for a in articles] == [("k", "S")]


def test_csv_derives_id_when_cell_is_empty(tmp_path: Path) -> None:
    articles, report = read_csv_bytes(tmp_path, b"id,text\n,A\n")
    assert articles[0].id == "news:2"
    assert report.counters["derived_id"] == 1


def test_csv_reads_fields_past_default_size_limit(tmp_path: Path) -> None:
    big = "word " * 60_000
    articles, _ = read_csv_bytes(tmp_path, f'text\n"{big}"\n'.encode())
    assert articles[0].text == big
    assert csv.field_size_limit() > 300_000


def test_csv_skips_empty_lines(tmp_path: Path) -> None:
    articles, report = read_csv_bytes(tmp_path, b"text\n\nA\n\n\nB\n")
    assert [a.origin.line for a in articles if a.origin] == [3, 6]
    assert report.rejected == []


def test_csv_empty_file_has_no_records(tmp_path: Path) -> None:
    articles, report = read_csv_bytes(tmp_path, b"")
    assert (articles, report.read, report.rejected) == ([], 0, [])


@pytest.mark.parametrize(
    ("content", "line", "reason", "detail"),
    [
        (b'text,id\nA,1\n"caf\xe9\nau lait",2\nC,3\n', 3, "invalid_utf8", "line 3 is"),
        (b'text,id\nA,1\n"multi\ncaf\xe9",2\nC,3\n', 3, "invalid_utf8", "line 4 is"),
        (b"text,id\nA,1\n,2\nC,3\n", 3, "empty_text", "field 'text' is empty"),
        (b"text,id\nA,1\nB,2,extra\nC,3\n", 3, "malformed_csv", "the row has 3 fields"),
        (b"text,id\nA,1\nB\nC,3\n", 3, "malformed_csv", "the row has 1 fields but"),
        (b"text,id\nA,1\nB\rx,2\nC,3\n", 3, "malformed_csv", "the row starting on line 3"),
    ],
)
def test_csv_rejects_bad_row_and_goes_on(
    tmp_path: Path, content: bytes, line: int, reason: str, detail: str
) -> None:
    articles, report = read_csv_bytes(tmp_path, content)
    assert [a.text for a in articles] == ["A", "C"]
    [rejected] = report.rejected
    assert (rejected.origin.line, rejected.reason) == (line, reason)
    assert rejected.detail.startswith(detail)
    assert report.read == 3


def test_csv_missing_text_column_is_one_header_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_csv_bytes(tmp_path, b"id,title\n1,T\n2,U\n")
    assert info.value.origin == Origin(str(tmp_path / "news.csv"))
    message = str(info.value)
    assert "no field holds the article text (tried text, maintext" in message
    assert "Fields in the header: id, title." in message and "--text-field" in message


def test_csv_field_option_missing_from_the_header_is_an_error(tmp_path: Path) -> None:
    content = b"id,text,pubdate\n1,T,2024-01-01\n"
    with pytest.raises(InputError, match=r"--date-field 'pubdat' .* matches no field"):
        read_csv_bytes(tmp_path, content, FieldMap(date="pubdat"))
    [article], _ = read_csv_bytes(tmp_path, content, FieldMap(date="pubdate"))
    assert article.published is not None
