import gzip
import os
from collections.abc import Generator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import newsdedup.read
from newsdedup.errors import ConfigError, InputError
from newsdedup.read import FORMATS, detect_format, read_articles
from newsdedup.report import Report
from newsdedup.types import Origin


def test_base_public_api() -> None:
    assert sorted(newsdedup.read.__all__) == [
        "ALIASES",
        "DEFAULT_FIELDS",
        "FORMATS",
        "FieldMap",
        "SUFFIXES",
        "detect_format",
        "parse_date",
        "read_articles",
    ]
    assert FORMATS == ("txt", "jsonl", "csv", "parquet", "html", "warc", "feed")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", "txt"),
        ("a.txt.gz", "txt"),
        ("a.jsonl", "jsonl"),
        ("a.json", "jsonl"),
        ("a.ndjson.zst", "jsonl"),
        ("a.JSONL.GZ", "jsonl"),
        ("a.csv.zstd", "csv"),
        ("dir.v2/a.parquet", "parquet"),
        ("a.html.gz", "html"),
        ("a.HTM", "html"),
        ("a.warc.gz", "warc"),
        ("a.rss", "feed"),
        ("a.atom.zst", "feed"),
    ],
)
def test_base_detects_format_by_name(name: str, expected: str) -> None:
    assert detect_format(name) == expected
    assert detect_format(Path(name)) == expected


@pytest.mark.parametrize("name", ["a.xml", "a.gz", "README", "a.txt.bz2"])
def test_base_unknown_format_names_path_and_choices(name: str) -> None:
    with pytest.raises(InputError) as info:
        detect_format(name)
    message = str(info.value)
    assert message.startswith(f"{name}: cannot tell the file's format")
    assert ".jsonl" in message and ".parquet" in message and ".zst" in message
    assert info.value.origin == Origin(name)


def test_base_unknown_file_type_fails_before_reading(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_text("<a/>")
    with pytest.raises(InputError, match=r"a\.xml: cannot tell"):
        read_articles([tmp_path / "a.xml"], report=Report())


def test_base_missing_path_fails_before_reading(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("fine")
    missing = tmp_path / "nope.jsonl"
    report = Report()
    with pytest.raises(InputError, match=r"nope\.jsonl: no such file or folder") as info:
        read_articles([tmp_path / "ok.txt", missing], report=report)
    assert info.value.origin == Origin(str(missing))
    assert report.read == 0


def test_base_rejects_unknown_format_parameter(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="The 'format' parameter of read_articles must be"):
        read_articles([tmp_path], format="xml", report=Report())


def test_base_format_parameter_overrides_suffix(tmp_path: Path) -> None:
    path = tmp_path / "dump.data"
    path.write_bytes(b'{"text": "A"}\n')
    [article] = list(read_articles([path], format="jsonl", report=Report()))
    assert (article.id, article.text) == ("dump:1", "A")


def make_folder(root: Path) -> None:
    (root / "b" / "deep").mkdir(parents=True)
    (root / "a.txt").write_text("text a")
    (root / "b" / "c.txt.gz").write_bytes(gzip.compress(b"text c"))
    (root / "b" / "deep" / "d.jsonl").write_text('{"id": "d", "text": "text d"}\n')
    (root / "b" / "e.csv").write_text("id,text\ne,text e\n")
    pq.write_table(pa.table({"id": ["f"], "text": ["text f"]}), root / "f.parquet")
    (root / "notes.md").write_text("not an input")
    (root / ".hidden.txt").write_text("hidden")
    (root / ".git").mkdir()
    (root / ".git" / "x.txt").write_text("hidden")


def test_base_reads_folder_recursively_in_sorted_order(tmp_path: Path) -> None:
    make_folder(tmp_path)
    report = Report()
    articles = list(read_articles([tmp_path], report=report))
    assert [a.id for a in articles] == ["a", "c", "d", "e", "f"]
    assert [a.origin.path for a in articles if a.origin] == [
        os.path.join(str(tmp_path), *parts)
        for parts in [
            ("a.txt",),
            ("b", "c.txt.gz"),
            ("b", "deep", "d.jsonl"),
            ("b", "e.csv"),
            ("f.parquet",),
        ]
    ]
    assert report.counters["skipped_file"] == 1
    assert (report.read, report.rejected) == (5, [])


def test_base_format_parameter_applies_inside_folders(tmp_path: Path) -> None:
    (tmp_path / "x.story").write_text("one")
    (tmp_path / "y").write_text("two")
    articles = list(read_articles([tmp_path], format="txt", report=Report()))
    assert [(a.id, a.text) for a in articles] == [("x", "one"), ("y", "two")]


def test_base_reads_inputs_in_given_order(tmp_path: Path) -> None:
    (tmp_path / "z.txt").write_text("z")
    (tmp_path / "a.txt").write_text("a")
    paths = [str(tmp_path / "z.txt"), str(tmp_path / "a.txt")]
    assert [a.id for a in read_articles(paths, report=Report())] == ["z", "a"]


def test_base_read_counts_every_record(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(b'{"text": "A"}\n{bad\n\n{"text": ""}\n')
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.csv").write_bytes(b"text\nC\n")
    report = Report()
    articles = list(read_articles([tmp_path], report=report))
    assert len(articles) == 2
    assert report.rejected_by_reason == {"malformed_json": 1, "empty_text": 2}
    assert report.read == len(articles) + len(report.rejected) == 5


def test_base_strict_raises_input_error_with_origin(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"text": "A"}\n[1]\n{"text": "C"}\n')
    report = Report(strict=True)
    stream = read_articles([path], report=report)
    assert next(stream).text == "A"
    with pytest.raises(InputError) as info:
        next(stream)
    assert info.value.origin == Origin(str(path), 2)
    assert "not_an_object" in str(info.value)


def test_base_unreadable_file_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").symlink_to(tmp_path / "gone.jsonl")  # dangling link
    (tmp_path / "b.txt").write_text("B")
    report = Report()
    assert [a.id for a in read_articles([tmp_path], report=report)] == ["b"]
    [rejected] = report.rejected
    assert (rejected.origin, rejected.reason) == (
        Origin(str(tmp_path / "a.jsonl")),
        "unreadable_file",
    )
    assert report.read == 2


def test_base_abandoned_stream_closes_files(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "A"}\n' * 10))
    stream = read_articles([path], report=Report())
    next(stream)
    assert isinstance(stream, Generator)
    stream.close()  # a ResourceWarning here would fail the run (filterwarnings = error)


@pytest.mark.parametrize("paths", ["news.jsonl", Path("news.jsonl")])
def test_base_rejects_a_lone_path(paths: str | Path) -> None:
    with pytest.raises(ConfigError, match="The 'paths' parameter of read_articles must be a list"):
        read_articles(paths, report=Report())  # type: ignore[arg-type]
