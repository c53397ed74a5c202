import csv
import gzip
from collections import Counter
from dataclasses import fields
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.types import Group, Kind, Member, Scores, TranslationScores
from newsdedup.write import group_rows, write_groups
from newsdedup.write.formats import write_records
from newsdedup.write.groups import GROUP_SCHEMA

SCORES = Scores(jaccard=0.912345, containment=1.0, coverage_a=0.8, coverage_b=0.75)

GROUPS = [
    Group(
        id="g2",
        representative="b",
        members=(
            Member(id="c", kind=Kind.NEAR, scores=SCORES),
            Member(id="b", kind=Kind.ORIGINAL),
            Member(id="d", kind=Kind.EXACT),
        ),
    ),
    Group(id="g1", representative="a", members=(Member(id="a", kind=Kind.ORIGINAL),)),
]


def test_groups_rows_sorted_by_group_then_member_order() -> None:
    rows = list(group_rows(GROUPS))
    assert [(r["group"], r["id"]) for r in rows] == [
        ("g1", "a"),
        ("g2", "c"),
        ("g2", "b"),
        ("g2", "d"),
    ]
    assert all(r["representative"] == {"g1": "a", "g2": "b"}[r["group"]] for r in rows)


def test_groups_rows_representative_is_original_with_empty_scores() -> None:
    rep = Member(id="b", kind=Kind.NEAR, scores=SCORES)  # mislabelled representative
    rows = list(group_rows([Group(id="g", representative="b", members=(rep,))]))
    assert rows == [
        {
            "id": "b",
            "group": "g",
            "representative": "b",
            "kind": "original",
            "scores": {},
            "translation": None,
        }
    ]


def test_groups_rows_scores_and_kind_values() -> None:
    by_id = {r["id"]: r for r in group_rows(GROUPS)}
    assert by_id["c"]["kind"] == "near" and type(by_id["c"]["kind"]) is str
    assert by_id["c"]["scores"] == SCORES.as_dict()
    assert by_id["d"]["scores"] == {}


def test_groups_jsonl_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "groups.jsonl"
    assert write_groups(GROUPS, path) == 4
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    assert rows == list(group_rows(GROUPS))
    # JSONL takes the rows as they come: their fields are the schema's, in its order
    assert all(list(row) == GROUP_SCHEMA.names for row in rows)
    explained = tmp_path / "explained.jsonl"
    write_groups(GROUPS, explained, explanations={"c": {"original": "b"}})
    lines = [orjson.loads(line) for line in explained.read_bytes().splitlines()]
    assert all(list(row) == [*GROUP_SCHEMA.names, "explain"] for row in lines)
    assert [r["explain"] for r in lines] == [None, {"original": "b"}, None, None]


def test_groups_csv_scores_are_json(tmp_path: Path) -> None:
    path = tmp_path / "groups.csv"
    write_groups(GROUPS, path)
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["id", "group", "representative", "kind", "scores", "translation"]
    assert rows[0]["scores"] == "{}"
    assert orjson.loads(rows[1]["scores"]) == SCORES.as_dict()


def test_groups_parquet_scores_struct_null_when_absent(tmp_path: Path) -> None:
    path = tmp_path / "groups.parquet"
    write_groups(GROUPS, path)
    table = pq.read_table(path)
    assert table.schema.field("scores").type == pa.struct(
        [(f.name, pa.float64()) for f in fields(Scores)]
    )
    assert table.column("scores").to_pylist() == [None, SCORES.as_dict(), None, None]
    assert table.column("kind").to_pylist() == ["original", "near", "original", "exact"]


def test_groups_empty_parquet_keeps_schema(tmp_path: Path) -> None:
    assert write_groups([], tmp_path / "groups.parquet") == 0
    assert pq.read_table(tmp_path / "groups.parquet").column_names == [
        "id",
        "group",
        "representative",
        "kind",
        "scores",
        "translation",
    ]


_unit = st.floats(min_value=0, max_value=1)
_scores = st.builds(Scores, jaccard=_unit, containment=_unit, coverage_a=_unit, coverage_b=_unit)


def _slotted(draw: st.DrawFn, ids: list[str], slots: int) -> dict[int, list[str]]:
    """The ids dealt into at most ``slots`` groups."""
    drawn = draw(st.lists(st.integers(0, slots - 1), min_size=len(ids), max_size=len(ids)))
    by_slot: dict[int, list[str]] = {}
    for doc, slot in zip(ids, drawn, strict=True):
        by_slot.setdefault(slot, []).append(doc)
    return by_slot


@st.composite
def _groups(draw: st.DrawFn) -> list[Group]:
    ids = draw(st.lists(st.text(min_size=1, max_size=8), unique=True, max_size=30))
    by_slot = _slotted(draw, ids, 6)
    return [
        Group(
            id=f"g{slot}",
            representative=docs[0],
            members=tuple(
                Member(id=d, kind=draw(st.sampled_from(Kind)), scores=draw(st.none() | _scores))
                for d in docs
            ),
        )
        for slot, docs in by_slot.items()
    ]


@settings(deadline=None)  # each example writes a file: a busy CI disk is no failure
@given(groups=_groups())
def test_groups_jsonl_every_member_exactly_once(
    groups: list[Group], tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("groups") / "groups.jsonl"
    assert write_groups(groups, path) == sum(g.size for g in groups)
    rows: list[dict[str, Any]] = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    expected = Counter(m.id for g in groups for m in g.members)
    assert Counter(r["id"] for r in rows) == expected
    assert set(expected.values()) <= {1}
    group_of = {m.id: g.id for g in groups for m in g.members}
    assert all(r["group"] == group_of[r["id"]] for r in rows)


def test_groups_translation_member_carries_its_figures(tmp_path: Path) -> None:
    found = TranslationScores(
        partner="en", lang="de", partner_lang="en", score=1.2, cosine=None, anchors=0.3, margin=0.4
    )
    members = (
        Member(id="en", kind=Kind.ORIGINAL),
        Member(id="de", kind=Kind.TRANSLATION, translation=found),
    )
    group = Group(id="g", representative="en", members=members)
    rows = list(group_rows([group]))
    assert rows[0]["translation"] is None
    assert rows[1]["kind"] == "translation" and rows[1]["translation"] == found.as_dict()
    write_groups([group], tmp_path / "groups.parquet")
    column = pq.read_table(tmp_path / "groups.parquet").column("translation").to_pylist()
    assert column == [None, found.as_dict()]


# The groups file is rendered from the table's columns a block at a time (JSONL, Parquet);
# group_rows is the record each line must equal.

_figure = st.floats(min_value=0, max_value=1) | st.sampled_from([0.00005, 0.12345, 0.99995, 1.0])
_full_scores = st.builds(Scores, **{f.name: _figure for f in fields(Scores)})
_ids = st.text(min_size=1, max_size=6) | st.sampled_from(['a"b', "c\\d", "e\nf", "\x01", "é€"])
_translation = st.builds(
    TranslationScores,
    partner=_ids,
    lang=st.just("de"),
    partner_lang=st.just("en"),
    score=_figure,
    cosine=st.none() | _figure,
    anchors=_figure,
    margin=_figure,
)


@st.composite
def _rich_groups(draw: st.DrawFn) -> list[Group]:
    ids = draw(st.lists(_ids, unique=True, max_size=25))
    by_slot = _slotted(draw, ids, 7)
    return [
        Group(
            id=draw(st.sampled_from([f"g{slot}", f'g"{slot}'])),
            representative=draw(st.sampled_from(docs)),
            members=tuple(
                Member(
                    id=d,
                    kind=draw(st.sampled_from(Kind)),
                    scores=draw(st.none() | _full_scores),
                    translation=draw(st.none() | _translation),
                )
                for d in docs
            ),
        )
        for slot, docs in by_slot.items()
    ]


@settings(deadline=None, max_examples=150)
@given(groups=_rich_groups())
def test_groups_file_from_columns_equals_the_rows(
    groups: list[Group], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("columns")
    rows = list(group_rows(groups))
    assert write_groups(groups, folder / "g.jsonl") == len(rows)
    lines = b"".join(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in rows)
    assert (folder / "g.jsonl").read_bytes() == lines  # orjson's very bytes, line for line
    assert write_groups(groups, folder / "g.parquet") == len(rows)
    expected = [{k: (None if v == {} else v) for k, v in r.items()} for r in rows]
    read = pq.read_table(folder / "g.parquet").to_pylist()
    assert [orjson.dumps(r) for r in read] == [orjson.dumps(r) for r in expected]
    assert write_groups(groups, folder / "g.csv") == len(rows)
    write_records(rows, folder / "rows.csv", columns=GROUP_SCHEMA.names)
    assert (folder / "g.csv").read_bytes() == (folder / "rows.csv").read_bytes()


def test_groups_file_of_many_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import newsdedup.write.groups as written

    monkeypatch.setattr(written, "BLOCK_ROWS", 3)
    members = tuple(Member(id=f"m{k}", kind=Kind.NEAR, scores=SCORES) for k in range(10))
    groups = [*GROUPS, Group(id="g3", representative="m0", members=members)]
    write_groups(groups, tmp_path / "g.jsonl")
    lines = [orjson.loads(line) for line in (tmp_path / "g.jsonl").read_bytes().splitlines()]
    assert lines == list(group_rows(groups))
    write_groups(groups, tmp_path / "g.parquet")
    assert pq.read_table(tmp_path / "g.parquet").num_rows == len(lines) == 14
    write_groups(groups, tmp_path / "g.csv.gz")
    with gzip.open(tmp_path / "g.csv.gz", "rt", newline="", encoding="utf-8") as f:
        assert [r["id"] for r in csv.DictReader(f)] == [r["id"] for r in lines]


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), max_size=50))
def test_round4_rounds_as_python_does(values: list[float]) -> None:
    import numpy as np

    from newsdedup.write.groups import round4

    got = round4(np.array(values, np.float64)).tolist()
    want = [round(v, 4) if v == v and abs(v) != float("inf") else v for v in values]
    assert orjson.dumps(got) == orjson.dumps(want)


def test_round4_ties_and_near_ties() -> None:
    import numpy as np

    from newsdedup.write.groups import round4

    values = [k / 1e5 for k in range(0, 100001, 5)] + [0.12345, 0.00015, 2.675, 1.00005]
    got = round4(np.array(values)).tolist()
    assert got == [round(v, 4) for v in values]
