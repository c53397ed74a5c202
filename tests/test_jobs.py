from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from newsdedup import Config, InputError
from newsdedup.jobs import dedup_files, default_corpus_path


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("out/groups.jsonl", "out/groups.dedup.jsonl"),
        ("groups.csv.gz", "groups.dedup.csv.gz"),
        ("groups.parquet", "groups.dedup.parquet"),
        ("groups", "groups.dedup"),
    ],
)
def test_jobs_default_corpus_path(output: str, expected: str) -> None:
    assert default_corpus_path(Path(output)) == Path(expected)


def test_jobs_dedup_files(jsonl_file: Path, tmp_path: Path) -> None:
    out, rejects = tmp_path / "groups.jsonl", tmp_path / "rejects.jsonl"
    result = dedup_files([jsonl_file], output=out, keep="representatives", rejects_output=rejects)
    rows = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert len(rows) == result.stats.documents == result.stats.documents_read == 6
    kept = [
        orjson.loads(line) for line in (tmp_path / "groups.dedup.jsonl").read_bytes().splitlines()
    ]
    assert sorted(r["id"] for r in kept) == sorted(g.representative for g in result.groups)
    assert rejects.read_bytes() == b""


def test_jobs_dedup_files_strict(jsonl_file: Path, tmp_path: Path) -> None:
    jsonl_file.write_bytes(jsonl_file.read_bytes() + b"{oops\n")
    with pytest.raises(InputError, match="malformed_json"):
        dedup_files(
            [jsonl_file],
            output=tmp_path / "g.jsonl",
            config=Config().override({"run.strict": "true"}),
        )


def test_jobs_dedup_reads_its_input_once(
    jsonl_file: Path, tmp_path: Path, read_calls: list[tuple[object, ...]]
) -> None:
    """``--keep`` and ``--explain`` take their texts from the run's spill, not a second read;
    the kept corpus holds each representative as it was read."""
    out = tmp_path / "groups.jsonl"
    result = dedup_files([jsonl_file], output=out, keep="representatives", explain=True)
    assert len(read_calls) == 1
    texts = {
        (r := orjson.loads(line))["id"]: r["text"] for line in jsonl_file.read_bytes().splitlines()
    }
    kept = [
        orjson.loads(line) for line in (tmp_path / "groups.dedup.jsonl").read_bytes().splitlines()
    ]
    assert {r["id"] for r in kept} == {g.representative for g in result.groups}
    assert all(r["text"] == texts[r["id"]].strip() or r["text"] in texts[r["id"]] for r in kept)
    explained = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    copies = [r for r in explained if r["kind"] != "original"]
    assert copies and all(r["explain"] for r in copies)
