import csv
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from newsdedup.types import Origin, Rejected
from newsdedup.write import reject_rows, write_rejects

REJECTED = [
    Rejected(origin=Origin("in.jsonl", 7), reason="invalid_json", detail="Expecting ',' at col 3"),
    Rejected(origin=Origin("page.html"), reason="empty_text", detail="no text after cleaning"),
]

EXPECTED: list[dict[str, Any]] = [
    {"path": "in.jsonl", "line": 7, "reason": "invalid_json", "detail": "Expecting ',' at col 3"},
    {"path": "page.html", "line": None, "reason": "empty_text", "detail": "no text after cleaning"},
]


def test_rejects_rows_in_given_order() -> None:
    assert list(reject_rows(REJECTED)) == EXPECTED


def test_rejects_jsonl_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "rejects.jsonl"
    assert write_rejects(REJECTED, path) == 2
    assert [orjson.loads(line) for line in path.read_bytes().splitlines()] == EXPECTED


def test_rejects_csv_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "rejects.csv"
    write_rejects(REJECTED, path)
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows == [r | {"line": "" if r["line"] is None else str(r["line"])} for r in EXPECTED]


def test_rejects_parquet_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "rejects.parquet"
    write_rejects(iter(REJECTED), path)
    table = pq.read_table(path)
    assert table.schema.field("line").type == pa.int64()
    assert table.to_pylist() == EXPECTED


def test_rejects_none_writes_header_only(tmp_path: Path) -> None:
    assert write_rejects([], tmp_path / "rejects.csv") == 0
    assert (tmp_path / "rejects.csv").read_bytes() == b"path,line,reason,detail\r\n"
