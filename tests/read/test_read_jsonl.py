from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdedup.errors import InputError
from newsdedup.read import read_articles
from newsdedup.report import Report
from newsdedup.types import Article, Origin


def read_file(path: Path, *, strict: bool = False) -> tuple[list[Article], Report]:
    report = Report(strict=strict)
    return list(read_articles([path], report=report)), report


def write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


@pytest.mark.parametrize("suffix", [".jsonl", ".json", ".ndjson", ".JSONL"])
def test_jsonl_reads_records_with_origin(tmp_path: Path, suffix: str) -> None:
    path = write_lines(tmp_path / f"news{suffix}", [b'{"id": "a", "text": "A"}', b'{"text": "B"}'])
    articles, report = read_file(path)
    assert [(a.id, a.text) for a in articles] == [("a", "A"), ("news:2", "B")]
    assert [a.origin for a in articles] == [Origin(str(path), 1), Origin(str(path), 2)]
    assert report.read == 2


def test_jsonl_origin_keeps_the_path_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_lines(tmp_path / "news.jsonl", [b'{"text": "A"}'])
    monkeypatch.chdir(tmp_path)
    [article] = list(read_articles(["./news.jsonl"], report=Report()))
    assert article.origin is not None and article.origin.path == "./news.jsonl"


def test_jsonl_skips_blank_lines_silently(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "n.jsonl", [b"", b'{"text": "A"}', b"   ", b"\t", b'{"text": "B"}']
    )
    articles, report = read_file(path)
    assert [a.origin.line for a in articles if a.origin] == [2, 5]
    assert (report.read, report.rejected) == (2, [])


def test_jsonl_handles_bom_crlf_and_missing_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "n.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"text": "A"}\r\n{"text": "B"}')
    articles, report = read_file(path)
    assert [a.text for a in articles] == ["A", "B"]
    assert report.rejected == []


@pytest.mark.parametrize(
    ("line", "reason", "detail"),
    [
        (b'{"text": "caf\xe9"}', "invalid_utf8", "line 2 is not valid UTF-8"),
        (b'{"text": "A",}', "malformed_json", "line 2 is not valid JSON"),
        (b'{"text": "A"', "malformed_json", "line 2 is not valid JSON"),
        (b"[1, 2]", "not_an_object", "line 2 is a JSON array, not an object"),
        (b'"text"', "not_an_object", "line 2 is a JSON string, not an object"),
        (b"null", "not_an_object", "line 2 is a JSON null, not an object"),
        (b"3", "not_an_object", "line 2 is a JSON number, not an object"),
        (b'{"id": "x"}', "missing_field", "no field 'text'"),
        (b'{"text": 1}', "bad_field", "field 'text' must be a string"),
        (b'{"text": "  "}', "empty_text", "field 'text' is empty"),
    ],
)
def test_jsonl_rejects_bad_line_and_goes_on(
    tmp_path: Path, line: bytes, reason: str, detail: str
) -> None:
    path = write_lines(tmp_path / "n.jsonl", [b'{"text": "A"}', line, b'{"text": "C"}'])
    articles, report = read_file(path)
    assert [a.text for a in articles] == ["A", "C"]
    [rejected] = report.rejected
    assert rejected.origin == Origin(str(path), 2)
    assert rejected.reason == reason
    assert rejected.detail.startswith(detail)
    assert report.read == 3


def test_jsonl_strict_raises_on_first_bad_line(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "n.jsonl", [b'{"text": "A"}', b"{oops", b"{oops"])
    with pytest.raises(InputError, match=r"n\.jsonl:2: malformed_json"):
        read_file(path, strict=True)


# What one line of a generated file is, and whether it should become an article.
LINES = st.one_of(
    st.builds(lambda t: (orjson.dumps({"text": t}), True), st.text(min_size=1).filter(str.strip)),
    st.builds(lambda t: (orjson.dumps({"text": t}), False), st.sampled_from(["", " ", "\n"])),
    st.just((b'{"text": "\xff"}', False)),
    st.just((b"{not json", False)),
    st.just((b"[1]", False)),
    st.just((b'{"title": "no text"}', False)),
    st.just((b'{"text": 5}', False)),
    st.just((b"", None)),  # blank: not a record
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.lists(LINES, max_size=30))
def test_jsonl_every_record_is_yielded_or_rejected_once(
    tmp_path: Path, lines: list[tuple[bytes, bool | None]]
) -> None:
    lines = [(orjson.dumps({"text": "first"}), True), *lines]  # the text field exists
    path = write_lines(tmp_path / "p.jsonl", [line for line, _ in lines])
    articles, report = read_file(path)
    yielded = [a.origin.line for a in articles if a.origin]
    rejected = [r.origin.line for r in report.rejected]
    assert yielded == [n for n, (_, ok) in enumerate(lines, 1) if ok is True]
    assert rejected == [n for n, (_, ok) in enumerate(lines, 1) if ok is False]
    assert report.read == len(articles) + len(report.rejected)
    assert len({a.id for a in articles}) == len(articles)
