import errno
import gzip
import os
import threading
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import newsdedup.read
from newsdedup.errors import ConfigError, InputError
from newsdedup.read import FORMATS, detect_format, read_articles
from newsdedup.read.compression import NotAFileError, Source, open_file, read_all
from newsdedup.report import Report
from newsdedup.types import Origin, Rejected


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


@contextmanager
def guarded_fifo(path: Path) -> Iterator[Path]:
    """A named pipe at ``path`` whose writer waits for a reader: code that opens the pipe reads
    "opened" instead of hanging (and fails the test); the writer is released on exit."""
    os.mkfifo(path)

    def write() -> None:
        with open(path, "wb") as fh:  # blocks until someone opens the read end
            fh.write(b"opened")

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        yield path
    finally:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # releases the writer if still waiting
        writer.join()
        os.close(fd)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_base_fifo_in_a_folder_is_rejected_unopened(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("B")
    report = Report()
    with guarded_fifo(tmp_path / "a.txt") as fifo:
        ids = [a.id for a in read_articles([tmp_path], report=report)]
    assert ids == ["b"]  # reading went on past the pipe
    [rejected] = report.rejected
    assert (rejected.origin, rejected.reason) == (Origin(str(fifo)), "not_a_file")
    assert rejected.detail == "a named pipe (FIFO), not a regular file; it was not opened"
    assert report.read == 2


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_base_fifo_given_as_input_is_a_usage_error(tmp_path: Path) -> None:
    with guarded_fifo(tmp_path / "news.jsonl") as fifo, pytest.raises(InputError) as info:
        read_articles([fifo], report=Report())
    assert info.value.origin == Origin(str(fifo))
    assert "a named pipe (FIFO), not a file or folder" in str(info.value)
    assert "Write the stream to a file first" in str(info.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_base_open_file_refuses_a_pipe_without_blocking(tmp_path: Path) -> None:
    """The last guard, for a pipe that appears after the folder was listed."""
    with guarded_fifo(tmp_path / "a.txt") as fifo:
        with pytest.raises(NotAFileError, match="named pipe"):
            open_file(fifo)
        rejected = read_all(Source(path=fifo, name="a.txt"))
    assert isinstance(rejected, Rejected) and rejected.reason == "not_a_file"


def _unlistable(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """``folder`` cannot be listed: os.walk's scandir raises as it does without permission (the
    tests may run as root, for whom chmod 000 changes nothing)."""
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path) == folder:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_base_unlistable_subfolder_is_rejected_and_reading_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text("A")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.txt").write_text("X")
    (tmp_path / "z.txt").write_text("Z")
    _unlistable(monkeypatch, tmp_path / "locked")
    report = Report()
    assert [a.id for a in read_articles([tmp_path], report=report)] == ["a", "z"]
    [rejected] = report.rejected
    assert rejected.origin == Origin(str(tmp_path / "locked"))
    assert rejected.reason == "unreadable_folder"
    assert rejected.detail == (
        "the folder cannot be listed (Permission denied); its files were not read"
    )


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_base_folder_without_permission_is_rejected(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (tmp_path / "a.txt").write_text("A")
    locked.chmod(0)
    try:
        report = Report()
        assert [a.id for a in read_articles([tmp_path], report=report)] == ["a"]
    finally:
        locked.chmod(0o755)
    assert [r.reason for r in report.rejected] == ["unreadable_folder"]


def test_base_unlistable_folder_under_strict_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locked").mkdir()
    _unlistable(monkeypatch, tmp_path / "locked")
    with pytest.raises(InputError, match="unreadable_folder"):
        list(read_articles([tmp_path], report=Report(strict=True)))
