from pathlib import Path

import pytest

from newsdedup.read import read_articles
from newsdedup.report import Report
from newsdedup.types import Origin


def test_text_file_is_one_article_named_by_stem(tmp_path: Path) -> None:
    path = tmp_path / "ab12.txt"
    path.write_text("Line one.\nLine two.\n", encoding="utf-8")
    report = Report()
    [article] = list(read_articles([path], report=report))
    assert (article.id, article.text) == ("ab12", "Line one.\nLine two.\n")
    assert article.origin == Origin(str(path))
    assert report.read == 1


def test_text_strips_bom(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbfHello")
    [article] = list(read_articles([path], report=Report()))
    assert article.text == "Hello"


@pytest.mark.parametrize(
    ("content", "reason", "detail"),
    [
        (b"caf\xe9", "invalid_utf8", "the file is not valid UTF-8 (byte 3"),
        (b"", "empty_text", "the file is empty or only whitespace"),
        (b" \n\t\n", "empty_text", "the file is empty or only whitespace"),
    ],
)
def test_text_rejects_unusable_file(
    tmp_path: Path, content: bytes, reason: str, detail: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    report = Report()
    assert list(read_articles([path], report=report)) == []
    [rejected] = report.rejected
    assert rejected.origin == Origin(str(path))
    assert (rejected.reason, rejected.detail[: len(detail)]) == (reason, detail)
    assert report.read == 1
