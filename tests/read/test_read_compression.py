import gzip
from collections.abc import Callable
from pathlib import Path

import pytest
import zstandard

from newsdedup.read import read_articles
from newsdedup.read.compression import strip_compression
from newsdedup.report import Report
from newsdedup.types import Article, Origin

RECORDS = b"".join(b'{"id": "%d", "text": "article number %d"}\n' % (i, i) for i in range(20_000))


def zstd(data: bytes) -> bytes:
    return zstandard.ZstdCompressor().compress(data)


COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    ".gz": gzip.compress,
    ".zst": zstd,
    ".zstd": zstd,
}


def read_path(path: Path) -> tuple[list[Article], Report]:
    report = Report()
    return list(read_articles([path], report=report)), report


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.jsonl.gz", "a.jsonl"),
        ("a.TXT.ZST", "a.TXT"),
        ("a.csv.zstd", "a.csv"),
        ("a.csv", "a.csv"),
    ],
)
def test_compression_strips_suffix(name: str, expected: str) -> None:
    assert strip_compression(name) == expected


@pytest.mark.parametrize("suffix", list(COMPRESSORS))
def test_compression_reads_compressed_jsonl(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"news.jsonl{suffix}"
    path.write_bytes(COMPRESSORS[suffix](RECORDS))
    articles, report = read_path(path)
    assert len(articles) == 20_000
    assert articles[-1].text == "article number 19999"
    assert articles[-1].origin == Origin(str(path), 20_000)
    assert report.rejected == []


@pytest.mark.parametrize("suffix", list(COMPRESSORS))
def test_compression_reads_compressed_csv_and_text(tmp_path: Path, suffix: str) -> None:
    compress = COMPRESSORS[suffix]
    (tmp_path / f"ab12.txt{suffix}").write_bytes(compress(b"Some text."))
    (tmp_path / f"n.csv{suffix}").write_bytes(compress(b"id,text\n1,A\n"))
    report = Report()
    articles = list(read_articles([tmp_path], report=report))
    assert sorted((a.id, a.text) for a in articles) == [("1", "A"), ("ab12", "Some text.")]


@pytest.mark.parametrize("compress", [gzip.compress, zstd], ids=["gzip", "zstd"])
def test_compression_detected_by_magic_bytes(
    tmp_path: Path, compress: Callable[[bytes], bytes]
) -> None:
    path = tmp_path / "news.jsonl"  # no compression suffix
    path.write_bytes(compress(b'{"text": "A"}\n'))
    articles, _ = read_path(path)
    assert [a.text for a in articles] == ["A"]


@pytest.mark.parametrize("compress", [gzip.compress, zstd], ids=["gzip", "zstd"])
def test_compression_reads_concatenated_members(
    tmp_path: Path, compress: Callable[[bytes], bytes]
) -> None:
    path = tmp_path / "news.jsonl.gz"
    path.write_bytes(compress(b'{"text": "A"}\n') + compress(b'{"text": "B"}\n'))
    articles, _ = read_path(path)
    assert [a.text for a in articles] == ["A", "B"]


@pytest.mark.parametrize("suffix", list(COMPRESSORS))
def test_compression_truncated_stream_keeps_records_before(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"news.jsonl{suffix}"
    packed = COMPRESSORS[suffix](RECORDS)
    path.write_bytes(packed[: len(packed) // 2])
    articles, report = read_path(path)
    assert 0 < len(articles) < 20_000
    assert [a.id for a in articles] == [str(i) for i in range(len(articles))]
    [rejected] = report.rejected
    assert rejected.reason == "corrupt_file"
    assert rejected.origin == Origin(str(path), len(articles) + 1)
    assert f"after line {len(articles)}" in rejected.detail
    assert "the rest was lost" in rejected.detail
    assert report.read == len(articles) + 1


def test_compression_corrupt_gzip_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl.gz"
    packed = bytearray(gzip.compress(RECORDS))
    packed[len(packed) // 2 : len(packed) // 2 + 64] = b"\0" * 64
    path.write_bytes(bytes(packed))
    articles, report = read_path(path)
    assert len(articles) < 20_000
    # deflate may decode damaged bytes into garbage lines before the CRC check catches it
    assert report.rejected[-1].reason == "corrupt_file"
    assert report.read == len(articles) + len(report.rejected)


def test_compression_corrupt_zstd_with_checksum_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl.zst"
    packed = bytearray(zstandard.ZstdCompressor(write_checksum=True).compress(RECORDS))
    packed[-2] ^= 0xFF  # the frame checksum no longer matches
    path.write_bytes(bytes(packed))
    _, report = read_path(path)
    assert [r.reason for r in report.rejected] == ["corrupt_file"]


def test_compression_truncated_text_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "ab12.txt.gz"
    path.write_bytes(gzip.compress(b"Some text." * 100)[:-10])
    articles, report = read_path(path)
    assert articles == []
    [rejected] = report.rejected
    assert (rejected.origin, rejected.reason) == (Origin(str(path)), "corrupt_file")


def test_compression_gzip_header_damage_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl.gz"
    path.write_bytes(b"\x1f\x8b\x99garbage")
    articles, report = read_path(path)
    assert articles == []
    assert [(r.origin.line, r.reason) for r in report.rejected] == [(1, "corrupt_file")]
