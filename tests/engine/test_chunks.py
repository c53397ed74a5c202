"""Worker processes that read, clean and fingerprint byte ranges of JSON Lines files
(engine/chunks.py) must give what the in-process stream gives: the same groups, the same
counts, the same rejects (bad lines, a repeated id in another range), and the same languages
and texts for the translation stage, wherever the ranges are cut."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsdedup.api import find_copies
from newsdedup.config import Config, ReadConfig, RunConfig
from newsdedup.engine import chunks
from newsdedup.engine.chunks import SplitFiles, chunked_fingerprints, split_files
from newsdedup.engine.local import cleaned
from newsdedup.engine.translations import TranslationSide
from newsdedup.errors import InputError
from newsdedup.fingerprint.batch import concat, fingerprint_articles
from newsdedup.ids import unique_ids
from newsdedup.pipeline import read_inputs
from newsdedup.read.compression import Source
from newsdedup.read.fields import FieldMap
from newsdedup.report import Report
from newsdedup.synth import generate_corpus

EN = "The ECB raised rates by 0.75 points on Thursday, Christine Lagarde said in Frankfurt."
DE = (
    "Die Europäische Zentralbank hat am Donnerstag die Zinsen um 0,75 Prozentpunkte angehoben, "
    "sagte Christine Lagarde in Frankfurt. Die Entscheidung war nach Angaben der Bank einstimmig, "
    "und sie ist die größte Erhöhung seit der Einführung des Euro."
)

TWO = Config(run=RunConfig(workers=2, batch_size=7))  # small batches: several a range


def _corpus(path: Path) -> Path:
    """Generated articles and their copies, with every kind of line a reader meets."""
    records = [
        {"id": a.id, "title": a.title, "text": a.text, "published": a.published.isoformat()}
        for a in generate_corpus(60, seed=5).articles
        if a.published is not None
    ]
    lines = [json.dumps(r).encode() for r in records]
    lines[0] = b"\xef\xbb\xbf" + lines[0]  # a byte order mark opens the file
    lines[3] += b"\r"  # a CRLF line
    lines.insert(5, b"")
    lines.insert(9, b"   ")
    lines.insert(12, b'{"id": "broken", "text": ')  # not JSON
    lines.insert(20, b'{"id": "bytes", "text": "\xff\xfe"}')  # not UTF-8
    lines.insert(25, b"[1, 2]")  # not an object
    lines.insert(30, json.dumps({"id": "empty", "text": "  "}).encode())
    lines.insert(33, json.dumps({"id": "no-text", "title": "x"}).encode())
    lines.insert(40, json.dumps({"text": EN, "published": "not a date"}).encode())  # derived id
    lines.insert(45, json.dumps({"id": "de", "text": DE}).encode())
    lines.append(json.dumps({"id": records[2]["id"], "text": "A repeated id."}).encode())
    lines.append(json.dumps({"id": records[50]["id"], "text": records[50]["text"]}).encode())
    path.write_bytes(b"\n".join(lines))  # the last line has no newline
    return path


def _in_process(path: Path, config: Config) -> tuple[object, Report]:
    report = Report()
    return find_copies(read_inputs([path], config, report), config, report=report), report


def _in_workers(
    path: Path, config: Config, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> tuple[object, Report]:
    monkeypatch.setattr(chunks, "SPLIT_AFTER", 0)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", chunk)
    files = split_files([path], config, 2)
    assert isinstance(files, SplitFiles)  # the worker path, not the stream, is under test
    report = Report()
    return find_copies(files, config, report=report), report


def _rejects(report: Report) -> list[tuple[str, str, str]]:
    return sorted((str(r.origin), r.reason, r.detail) for r in report.rejected)


@pytest.mark.parametrize("chunk", [1, 5_000, 1 << 20])
def test_chunks_equal_the_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    path = _corpus(tmp_path / "corpus.jsonl")
    expected, expected_report = _in_process(path, TWO)
    found, report = _in_workers(path, TWO, monkeypatch, chunk)
    assert found.groups == expected.groups  # type: ignore[attr-defined]
    assert report.read == expected_report.read
    assert report.counters == expected_report.counters
    assert _rejects(report) == _rejects(expected_report)
    reasons = {r.reason for r in report.rejected}
    assert {"malformed_json", "invalid_utf8", "not_an_object", "duplicate_id"} <= reasons
    assert report.counters["derived_id"] == 1 and report.counters["unparsed_date"] == 1


def test_chunks_keep_what_the_translation_side_keeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Languages, titles and texts handed to the translation stage, as the stream hands them."""
    path = _corpus(tmp_path / "corpus.jsonl")
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 3_000)
    files = SplitFiles((Source(path=path, name=str(path)),), FieldMap(), 2)
    with TranslationSide(TWO.translate) as split, TranslationSide(TWO.translate) as stream:
        parts = list(chunked_fingerprints(files, TWO, Report(), split))
        report = Report()
        articles = stream.tee(cleaned(read_inputs([path], TWO, report), TWO.clean, report))
        kept = list(unique_ids(articles, report))
        expected = []
        for lo in range(0, len(kept), TWO.run.batch_size):
            batch = kept[lo : lo + TWO.run.batch_size]
            titles = [a.title for a in batch]
            expected.append(
                fingerprint_articles(batch, TWO, lambda b, o, t=titles: stream.keep_texts(t, b, o))
            )
        ids = [i for p in parts for i in p.ids]
        assert ids == [a.id for a in kept]
        assert [split._lang[i] for i in ids] == [stream._lang[i] for i in ids]
        assert {"de", "en"} <= set(split._lang.values())
        # the ranges read before the German article wrote no texts: they are read again here
        kinds = [type(k).__name__ for k in split._kept]
        assert kinds[0] == "Unwritten" and kinds[-1] == "Kept"
        assert _texts(split) == _texts(stream)
        joined, wanted = concat(parts, TWO), concat(expected, TWO)
        for name in ("exact", "keys", "sets", "positions", "set_offsets", "published", "traces"):
            assert getattr(joined, name).tolist() == getattr(wanted, name).tolist(), name


def _texts(side: TranslationSide) -> list[tuple[str, str | None]]:
    out = []
    for kept in side.written():
        data, titles = kept.load(side._file)
        out += [(kept.text(data, k), titles[k]) for k in range(len(kept.offsets) - 1)]
    return out


def _stream_texts(path: Path, config: Config) -> list[tuple[str, str | None]]:
    """The texts and titles the in-process stream keeps for the translation stage."""
    report = Report()
    with TranslationSide(config.translate) as side:
        articles = list(
            unique_ids(cleaned(read_inputs([path], config, report), config.clean, report), report)
        )
        for lo in range(0, len(articles), config.run.batch_size):
            batch = articles[lo : lo + config.run.batch_size]
            titles = [a.title for a in batch]
            fingerprint_articles(batch, config, lambda b, o, t=titles: side.keep_texts(t, b, o))
        return _texts(side)


def test_chunks_write_no_texts_while_the_run_meets_one_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A corpus in one language writes no texts; a second language late in the input makes
    the earlier ranges' texts again, repeated ids dropped as the stream drops them."""
    records = [
        {"id": a.id, "title": a.title, "text": a.text} for a in generate_corpus(40, seed=9).articles
    ]
    records.insert(6, {"id": records[2]["id"], "text": "The same id again, dropped."})
    path = tmp_path / "one.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records))
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 3_000)
    files = SplitFiles((Source(path=path, name=str(path)),), FieldMap(), 2)
    with TranslationSide(TWO.translate) as side:
        report = Report()
        list(chunked_fingerprints(files, TWO, report, side))
        assert not side.several_languages()
        assert list(Path(side.texts_folder()).iterdir()) == []  # nothing written
        assert {type(k).__name__ for k in side._kept} == {"Unwritten"}
        assert [r.reason for r in report.rejected] == ["duplicate_id"]
    path.write_text(
        "\n".join([*(json.dumps(r) for r in records), json.dumps({"id": "de", "text": DE})])
    )
    with TranslationSide(TWO.translate) as side:
        report = Report()
        list(chunked_fingerprints(files, TWO, report, side))
        assert side.several_languages()
        assert _texts(side) == _stream_texts(path, TWO)
        assert [r.reason for r in report.rejected] == ["duplicate_id"]


def test_texts_read_again_from_a_changed_file_fail_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "one.jsonl"
    records = [{"id": a.id, "text": a.text} for a in generate_corpus(30, seed=3).articles]
    path.write_text("\n".join(json.dumps(r) for r in records))
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 3_000)
    files = SplitFiles((Source(path=path, name=str(path)),), FieldMap(), 2)
    with TranslationSide(TWO.translate) as side:
        list(chunked_fingerprints(files, TWO, Report(), side))
        path.write_text("\n".join(json.dumps(r) for r in records[::2]))  # rows gone
        with pytest.raises(InputError, match="changed while the run was reading it"):
            side.written()


def test_texts_read_again_report_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A range's texts made again (``_task_texts``) log no warning: its bad lines were
    reported when it was first read."""
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"id": "a", "text": "One article."}\n{"id": \n{"id": "b", "text": "Two."}\n')
    task = chunks._Task(Source(path=path, name=str(path)), 0, path.stat().st_size, 1, 0)
    with caplog.at_level("WARNING", logger="newsdedup"):
        made = chunks._task_texts(task, FieldMap(), TWO, str(tmp_path))
    assert caplog.records == []
    data, titles = made[0].load()
    assert [made[0].text(data, k) for k in range(2)] == ["One article.", "Two."]
    assert titles == [None, None]


def test_only_plain_large_jsonl_goes_to_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _corpus(tmp_path / "corpus.jsonl")
    packed = tmp_path / "corpus.jsonl.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    monkeypatch.setattr(chunks, "SPLIT_AFTER", 0)
    assert split_files([path], TWO, 2) is not None
    assert split_files([path, path], TWO, 2) is not None
    assert split_files([path], TWO, 1) is None  # one process: the stream
    assert split_files([packed], TWO, 2) is None  # a range of gzip cannot be read alone
    assert split_files([tmp_path], TWO, 2) is None  # a folder
    assert split_files([path], replace(TWO, run=replace(TWO.run, strict=True)), 2) is None
    csv = replace(TWO, read=ReadConfig(format="csv"))
    assert split_files([path], csv, 2) is None
    monkeypatch.setattr(chunks, "SPLIT_AFTER", path.stat().st_size + 1)
    assert split_files([path], TWO, 2) is None  # too small to pay for the processes


def test_chunks_equal_the_stream_over_two_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Line numbers start again in each file, and every id of the second copy is taken."""
    path = _corpus(tmp_path / "corpus.jsonl")
    again = tmp_path / "again.jsonl"
    again.write_bytes(path.read_bytes())
    expected_report = Report()
    expected = find_copies(
        read_inputs([path, again], TWO, expected_report), TWO, report=expected_report
    )
    monkeypatch.setattr(chunks, "SPLIT_AFTER", 0)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 4_000)
    files = split_files([path, again], TWO, 2)
    assert files is not None
    report = Report()
    found = find_copies(files, TWO, report=report)
    assert found.groups == expected.groups
    assert _rejects(report) == _rejects(expected_report)
    assert report.counters == expected_report.counters
    assert sum(r.reason == "duplicate_id" for r in report.rejected) > 50


def test_chunks_refuse_a_file_without_the_text_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(json.dumps({"id": str(k), "body_text": "x y z"}) for k in range(9)))
    monkeypatch.setattr(chunks, "SPLIT_AFTER", 0)
    files = split_files([path], TWO, 2)
    assert files is not None
    with pytest.raises(InputError, match="no field holds the article text") as split:
        find_copies(files, TWO, report=Report())
    with pytest.raises(InputError) as stream:
        find_copies(read_inputs([path], TWO, Report()), TWO, report=Report())
    assert str(split.value) == str(stream.value)


def test_chunks_equal_the_stream_on_parquet_row_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Row groups as worker tasks: rows numbered across groups, bad rows and repeated ids."""
    rows = [
        {"id": a.id, "title": a.title, "text": a.text, "published": a.published.isoformat()}
        for a in generate_corpus(60, seed=7).articles
        if a.published is not None
    ]
    rows[4]["text"] = None  # empty_text
    rows[9]["text"] = "   "
    rows[13]["id"] = None  # a derived id
    rows[17]["published"] = "not a date"
    rows[21]["title"] = None
    rows.append(dict(rows[2], text="A repeated id."))
    rows.append(dict(rows[40]))
    path = tmp_path / "corpus.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=8)
    assert pq.ParquetFile(path).metadata.num_row_groups > 5
    expected, expected_report = _in_process(path, TWO)
    found, report = _in_workers(path, TWO, monkeypatch, 1)
    assert found.groups == expected.groups  # type: ignore[attr-defined]
    assert report.read == expected_report.read == len(rows)
    assert report.counters == expected_report.counters
    assert _rejects(report) == _rejects(expected_report)
    assert {"empty_text", "duplicate_id"} <= {r.reason for r in report.rejected}


def test_chunks_read_parquet_texts_again_when_a_second_language_comes_late(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        {"id": a.id, "title": a.title, "text": a.text} for a in generate_corpus(40, seed=4).articles
    ]
    rows.insert(5, dict(rows[1], text="A repeated id."))
    rows[9]["text"] = None  # empty_text: a row the batches never hold
    rows.append({"id": "de", "title": None, "text": DE})
    path = tmp_path / "corpus.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=6)
    files = SplitFiles((Source(path=path, name=str(path)),), FieldMap(), 2, ("parquet",))
    with TranslationSide(TWO.translate) as side:
        list(chunked_fingerprints(files, TWO, Report(), side))
        assert type(side._kept[0]).__name__ == "Unwritten"
        assert _texts(side) == _stream_texts(path, TWO)


def test_chunks_lose_what_the_stream_loses_in_a_damaged_parquet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A damaged row group ends the file in both: the groups before it are read, the rows
    from it on are one corrupt_file reject, and no later group is read."""
    rows = [{"id": f"a{k}", "text": f"text number {k} of the file " * 20} for k in range(48)]
    path = tmp_path / "corpus.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=8, compression="none")
    page = pq.ParquetFile(path).metadata.row_group(3).column(1).data_page_offset
    data = bytearray(path.read_bytes())
    data[page : page + 16] = b"\xff" * 16  # group 3's page header
    path.write_bytes(bytes(data))
    expected, expected_report = _in_process(path, TWO)
    found, report = _in_workers(path, TWO, monkeypatch, 1)
    assert found.groups == expected.groups  # type: ignore[attr-defined]
    assert _rejects(report) == _rejects(expected_report)
    [lost] = report.rejected
    assert lost.reason == "corrupt_file" and lost.origin.line == 25
    assert "rows 25 to 48 cannot be read" in lost.detail
    assert report.read == expected_report.read == 25


def test_parquet_of_large_row_groups_streams(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker returns a task's fingerprints at once: a row group over the bound stays in
    process."""
    path = tmp_path / "corpus.parquet"
    rows = [{"id": f"a{k}", "text": f"text {k}"} for k in range(40)]
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=20)
    monkeypatch.setattr(chunks, "SPLIT_AFTER", 0)
    assert split_files([path], TWO, 2) is not None
    monkeypatch.setattr(chunks, "MAX_GROUP_ROWS", 19)
    assert split_files([path], TWO, 2) is None
