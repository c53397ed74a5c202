"""read_jsonl (the probed head, then one loop for the rest) reads as the one-generator-per-stage
reader it replaced: the same Articles, Rejected and counters, in order, on random bad content."""

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import orjson
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdedup.errors import InputError
from newsdedup.read import fields as fields_module
from newsdedup.read import jsonl as jsonl_module
from newsdedup.read.compression import Source, numbered_lines
from newsdedup.read.fields import DEFAULT_FIELDS, probe_fields, to_article
from newsdedup.read.jsonl import _object, read_jsonl
from newsdedup.report import Report
from newsdedup.types import Rejected


def old_read_jsonl(source: Source, report: Report) -> Iterator[object]:
    """The reader before: lines -> records -> probe -> Articles, each stage a generator."""

    def records() -> Iterator[Any]:
        for item in numbered_lines(source):
            if isinstance(item, Rejected):
                yield item
                continue
            n, line = item
            if n == 1:
                line = line.removeprefix(b"\xef\xbb\xbf")
            if line.strip():
                record = _object(source, n, line)
                yield record if isinstance(record, Rejected) else (n, record)

    for item in probe_fields(records(), DEFAULT_FIELDS, source):
        if isinstance(item, Rejected):
            yield item
        else:
            n, record = item
            yield to_article(record, fields=DEFAULT_FIELDS, source=source, line=n, report=report)


RECORD = st.fixed_dictionaries(
    {
        "text": st.one_of(
            st.text(max_size=6), st.none(), st.integers(-(2**63), 2**63 - 1), st.just("  ")
        )
    },
    optional={
        "id": st.one_of(
            st.text(max_size=3), st.integers(-(2**63), 2**63 - 1), st.none(), st.booleans()
        ),
        "title": st.one_of(st.text(max_size=3), st.integers(-(2**63), 2**63 - 1)),
        "published": st.sampled_from(["2024-01-15", "bad", "", 1700000000]),
        "url": st.one_of(
            st.text(max_size=3), st.lists(st.integers(-(2**63), 2**63 - 1), max_size=1)
        ),
    },
)
LINE = st.one_of(
    RECORD.map(orjson.dumps),
    st.dictionaries(st.sampled_from(["body", "content", "x"]), st.text(max_size=4)).map(
        orjson.dumps
    ),
    st.sampled_from([b"", b" ", b"\t\x0b\x0c", b"\r", b"{bad", b"[1]", b'"s"', b"null", b"3"]),
    st.sampled_from([b'{"text": "\xff\xfe"}', b"\xc3", b'{"text": "ok"} trailing']),
    st.binary(max_size=8).filter(lambda b: b"\n" not in b),
)


def write(path: Path, lines: list[bytes], bom: bool, crlf: bool, end: bool, kind: str) -> Path:
    data = (b"\r\n" if crlf else b"\n").join(lines) + (b"\n" if end else b"")
    data = (b"\xef\xbb\xbf" if bom else b"") + data
    if kind == "gz":
        data = gzip.compress(data)
    elif kind == "zst":
        data = zstandard.ZstdCompressor().compress(data)
    elif kind == "cut.gz":
        data = gzip.compress(data)[:-9]
    path.write_bytes(data)
    return path


def outcome(read: Any) -> tuple[object, ...]:
    report = Report()
    try:
        items = list(read(report))
    except InputError as exc:
        return ("error", str(exc))
    return items, list(report.counters.items())


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200)
@given(
    lines=st.lists(LINE, max_size=25),
    bom=st.booleans(),
    crlf=st.booleans(),
    end=st.booleans(),
    kind=st.sampled_from(["jsonl", "gz", "zst", "cut.gz"]),
    probe=st.integers(min_value=1, max_value=6),
)
def test_read_jsonl_equals_the_old_reader(
    tmp_path: Path, lines: list[bytes], bom: bool, crlf: bool, end: bool, kind: str, probe: int
) -> None:
    path = write(tmp_path / f"f.{kind}", lines, bom, crlf, end, kind)
    source = Source(path=path, name=str(path))
    with (
        mock.patch.object(jsonl_module, "PROBE_RECORDS", probe),
        mock.patch.object(fields_module, "PROBE_RECORDS", probe),
    ):
        new = outcome(lambda r: read_jsonl(source, fields=DEFAULT_FIELDS, report=r))
        old = outcome(lambda r: old_read_jsonl(source, r))
    assert new == old


@given(st.binary(max_size=6))
def test_isspace_tells_blank_bytes_as_strip_does(line: bytes) -> None:
    assert (not line or line.isspace()) == (not line.strip())
