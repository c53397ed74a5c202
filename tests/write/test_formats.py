import csv
import gzip
import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from newsdedup.errors import ConfigError
from newsdedup.write import formats, output_format, write_records

RECORDS: list[dict[str, Any]] = [
    {
        "id": "a1",
        "text": "Zürich — 東京 ✓",
        "n": 3,
        "score": 0.25,
        "when": datetime(2024, 5, 1, 12, 30, tzinfo=UTC),
        "meta": {"jaccard": 0.9, "containment": 1.0},
    },
    {
        "id": "a2",
        "text": 'plain, with "quotes"\nand a newline',
        "n": None,
        "score": 1.0,
        "when": None,
        "meta": {"jaccard": 0.5, "containment": 0.75},
    },
]


class Boom(Exception):
    pass


def _failing(n_before: int) -> Iterator[dict[str, Any]]:
    for i in range(n_before):
        yield {"id": str(i), "text": "x"}
    raise Boom


def _decompress(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".gz":
        return gzip.decompress(data)
    if path.suffix == ".zst":
        return zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)).read()
    return data


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in _decompress(path).splitlines()]


def _read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_decompress(path).decode("utf-8"), newline="")))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("g.jsonl", "jsonl"),
        ("g.ndjson", "jsonl"),
        ("g.json", "jsonl"),
        ("g.JSONL", "jsonl"),
        ("run.2024.jsonl.gz", "jsonl"),
        ("g.ndjson.zst", "jsonl"),
        ("g.csv", "csv"),
        ("g.csv.gz", "csv"),
        ("g.csv.zst", "csv"),
        ("out/g.parquet", "parquet"),
    ],
)
def test_formats_output_format_from_extension(name: str, expected: str) -> None:
    assert output_format(name) == expected


@pytest.mark.parametrize("name", ["g.txt", "g", "g.gz", "g.parquet.gz", "g.jsonl.bz2", "g.tsv"])
def test_formats_unknown_extension_names_path_and_allowed(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with pytest.raises(ConfigError) as info:
        write_records(RECORDS, path)
    message = str(info.value)
    assert f"'{path}'" in message
    for ext in (".jsonl", ".ndjson", ".json", ".csv", ".parquet", ".gz", ".zst"):
        assert ext in message
    assert not path.exists()


def test_formats_jsonl_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    assert write_records(RECORDS, path) == 2
    rows = _read_jsonl(path)
    assert rows[0]["when"] == "2024-05-01T12:30:00+00:00"
    assert rows[0] | {"when": None} == RECORDS[0] | {"when": None}
    assert rows[1] == RECORDS[1]


def test_formats_jsonl_keeps_utf8(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    write_records(RECORDS, path)
    data = path.read_bytes()
    assert "Zürich — 東京 ✓".encode() in data
    assert data.count(b"\n") == 2


def test_formats_naive_and_offset_datetimes_are_iso(tmp_path: Path) -> None:
    naive = datetime(2024, 1, 2, 3, 4, 5)
    plus2 = datetime(2024, 1, 2, 3, 4, 5, 600, tzinfo=timezone(timedelta(hours=2)))
    records = [{"when": naive}, {"when": plus2}]
    write_records(records, tmp_path / "r.jsonl")
    write_records(records, tmp_path / "r.csv")
    expected = ["2024-01-02T03:04:05+00:00", "2024-01-02T03:04:05.000600+02:00"]
    assert [r["when"] for r in _read_jsonl(tmp_path / "r.jsonl")] == expected
    assert [r["when"] for r in _read_csv(tmp_path / "r.csv")] == expected


def test_formats_csv_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    assert write_records(RECORDS, path) == 2
    rows = _read_csv(path)
    assert list(rows[0]) == list(RECORDS[0])
    assert rows[0]["text"] == RECORDS[0]["text"]
    assert rows[1]["text"] == RECORDS[1]["text"]
    assert rows[0]["when"] == "2024-05-01T12:30:00+00:00"
    assert rows[1]["n"] == "" and rows[1]["when"] == ""
    assert rows[0]["meta"] == '{"jaccard":0.9,"containment":1.0}'
    assert [float(r["score"]) for r in rows] == [0.25, 1.0]


def test_formats_parquet_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "r.parquet"
    assert write_records(RECORDS, path) == 2
    table = pq.read_table(path)
    assert table.schema.field("when").type == pa.timestamp("us", tz="UTC")
    assert pa.types.is_struct(table.schema.field("meta").type)
    rows = table.to_pylist()
    assert rows[0]["when"] == RECORDS[0]["when"]
    assert rows[0] | {"when": None} == RECORDS[0] | {"when": None}
    assert rows[1] == RECORDS[1]


def test_formats_parquet_empty_dict_is_null(tmp_path: Path) -> None:
    records: list[dict[str, Any]] = [{"meta": {"a": 1.0}}, {"meta": {}}]
    write_records(records, tmp_path / "r.parquet")
    assert pq.read_table(tmp_path / "r.parquet").column("meta").to_pylist() == [{"a": 1.0}, None]


def test_formats_parquet_writes_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "BATCH_ROWS", 4)
    path = tmp_path / "r.parquet"
    assert write_records(({"i": i} for i in range(10)), path) == 10
    assert pq.ParquetFile(path).metadata.num_row_groups == 3
    assert pq.read_table(path).column("i").to_pylist() == list(range(10))


@pytest.mark.parametrize("name", ["r.jsonl.gz", "r.jsonl.zst", "r.ndjson.gz"])
def test_formats_compressed_jsonl_round_trip(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    assert write_records(RECORDS, path) == 2
    assert path.read_bytes()[:1] != b"{"
    assert _read_jsonl(path)[1] == RECORDS[1]


@pytest.mark.parametrize("name", ["r.csv.gz", "r.csv.zst"])
def test_formats_compressed_csv_round_trip(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    assert write_records(RECORDS, path) == 2
    assert _read_csv(path) == _read_csv_plain(tmp_path)


def _read_csv_plain(tmp_path: Path) -> list[dict[str, str]]:
    write_records(RECORDS, tmp_path / "plain.csv")
    return _read_csv(tmp_path / "plain.csv")


def test_formats_gzip_output_is_reproducible(tmp_path: Path) -> None:
    write_records(RECORDS, tmp_path / "a.jsonl.gz")
    write_records(RECORDS, tmp_path / "b.jsonl.gz")
    assert (tmp_path / "a.jsonl.gz").read_bytes() == (tmp_path / "b.jsonl.gz").read_bytes()


@pytest.mark.parametrize("name", ["r.jsonl", "r.jsonl.gz", "r.csv.zst", "r.csv", "r.parquet"])
def test_formats_error_mid_write_leaves_no_file(tmp_path: Path, name: str) -> None:
    with pytest.raises(Boom):
        write_records(_failing(3000), tmp_path / name)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("name", ["r.jsonl", "r.csv.gz", "r.parquet"])
def test_formats_error_mid_write_keeps_old_file(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(formats, "BATCH_ROWS", 100)
    path = tmp_path / name
    write_records(RECORDS, path)
    before = path.read_bytes()
    with pytest.raises(Boom):
        write_records(_failing(3000), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == [name]


@pytest.mark.parametrize("name", ["r.jsonl", "r.csv", "r.parquet"])
def test_formats_columns_select_and_order(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    write_records(RECORDS, path, columns=["text", "id", "missing"])
    if name.endswith(".parquet"):
        rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    else:
        rows = _read_jsonl(path) if name.endswith(".jsonl") else _read_csv(path)
    assert list(rows[0]) == ["text", "id", "missing"]
    assert rows[0]["id"] == "a1"
    assert rows[0]["missing"] in (None, "")


@pytest.mark.parametrize("name", ["r.csv", "r.parquet"])
def test_formats_extra_field_raises_instead_of_dropping(tmp_path: Path, name: str) -> None:
    records: list[dict[str, Any]] = [{"id": "a"}, {"id": "b", "extra": 1}]
    with pytest.raises(ConfigError, match=r"Record 2 .* \['extra'\].*columns="):
        write_records(records, tmp_path / name)
    assert os.listdir(tmp_path) == []


def test_formats_parquet_type_clash_is_config_error(tmp_path: Path) -> None:
    schema = pa.schema([("n", pa.int64())])
    with pytest.raises(ConfigError, match=r"Records 1 to 2 .*schema="):
        write_records([{"n": 1}, {"n": "two"}], tmp_path / "r.parquet", schema=schema)
    assert os.listdir(tmp_path) == []


def test_formats_missing_field_is_null(tmp_path: Path) -> None:
    write_records([{"a": 1, "b": 2}, {"a": 3}], tmp_path / "r.parquet")
    assert pq.read_table(tmp_path / "r.parquet").to_pylist() == [
        {"a": 1, "b": 2},
        {"a": 3, "b": None},
    ]


@pytest.mark.parametrize("name", ["r.jsonl", "r.csv", "r.parquet", "r.csv.gz"])
def test_formats_no_records_writes_empty_output(tmp_path: Path, name: str) -> None:
    assert write_records([], tmp_path / name, columns=["id", "text"]) == 0
    path = tmp_path / name
    assert path.exists()
    if name.endswith(".parquet"):
        assert pq.read_table(path).column_names == ["id", "text"]
    elif ".csv" in name:
        assert _decompress(path) == b"id,text\r\n"
    else:
        assert path.read_bytes() == b""


def test_formats_streams_generators(tmp_path: Path) -> None:
    rows = ({"i": i, "s": str(i)} for i in range(5000))
    assert write_records(rows, tmp_path / "r.csv") == 5000
    assert len(_read_csv(tmp_path / "r.csv")) == 5000
