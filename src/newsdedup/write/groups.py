"""One row per document: which copy group it is in, and how it relates to the representative.

``scores`` holds ``Scores.as_dict()`` for a copy. The representative (whose kind is always
"original", so a singleton's only row too) and any member without scores get ``{}`` in JSONL and
CSV, so every row has an object there, and null in Parquet, where ``scores`` is a struct of the
float64 fields: a struct reads back as a dict in Python and filters by field in SQL engines
(``scores.jaccard > 0.9``), which a JSON string column would not. ``translation`` holds
``TranslationScores.as_dict()`` for a member of kind translation (the article it was matched
with, both languages, the figures that decided it), null otherwise.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from newsdedup.atomic import StrPath
from newsdedup.group.table import ROW_KINDS, GroupTable, scores_of
from newsdedup.memory import collection_paused
from newsdedup.relate.verify import SCORE_COLUMNS
from newsdedup.types import Group, Scores, TranslationScores
from newsdedup.write import arrays
from newsdedup.write.formats import output_format, write_batches, write_blocks, write_records

__all__ = [
    "EXPLAIN_TYPE",
    "GROUP_COLUMNS",
    "GROUP_SCHEMA",
    "TRANSLATION_TYPE",
    "group_rows",
    "round4",
    "write_groups",
]

GROUP_COLUMNS = ["id", "group", "representative", "kind", "scores", "translation"]

#: ``TranslationScores`` of a member of kind translation (relate/translate.py), else null.
TRANSLATION_TYPE = pa.struct(
    [
        ("partner", pa.string()),
        ("lang", pa.string()),
        ("partner_lang", pa.string()),
        ("score", pa.float64()),
        ("cosine", pa.float64()),
        ("anchors", pa.float64()),
        ("margin", pa.float64()),
    ]
)

GROUP_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("group", pa.string()),
        ("representative", pa.string()),
        ("kind", pa.string()),
        ("scores", pa.struct([(f.name, pa.float64()) for f in fields(Scores)])),
        ("translation", TRANSLATION_TYPE),
    ]
)


_CHANGE = pa.struct(
    [
        ("kind", pa.string()),
        ("a", pa.string()),
        ("b", pa.string()),
        ("a_start", pa.int64()),
        ("a_end", pa.int64()),
        ("b_start", pa.int64()),
        ("b_end", pa.int64()),
        ("unit", pa.string()),
    ]
)

#: The ``explain`` column of ``dedup --explain`` (see relate/explain.py): null for a document
#: without copies; ``coverage`` fields and ``changes`` are for copies against the representative.
EXPLAIN_TYPE = pa.struct(
    [
        ("original", pa.string()),
        ("confidence", pa.float64()),
        ("order", pa.int64()),
        ("coverage", pa.float64()),
        ("coverage_representative", pa.float64()),
        ("inserted", pa.int64()),
        ("deleted", pa.int64()),
        ("changes", pa.list_(_CHANGE)),
    ]
)


#: Rows rendered at a time: the groups file streams out in blocks, whatever the corpus size.
BLOCK_ROWS = 1 << 16

_NEEDS_ESCAPE = r'[\x00-\x1f"\\]'  #: what JSON escapes in a string (orjson keeps the rest)


@functools.cache
def _kind_names(json: bool) -> pa.Array:
    """Each kind code's name (as a JSON string when ``json``)."""
    names = [k.value for k in ROW_KINDS]
    return arrays.strings([orjson.dumps(n).decode() for n in names] if json else names)


_SCORE_STRUCT = GROUP_SCHEMA.field("scores").type


def group_rows(
    groups: GroupTable | Iterable[Group], explanations: Mapping[str, dict[str, Any]] | None = None
) -> Iterator[dict[str, Any]]:
    """Rows ordered by group id (as strings), then by member order within the group: the
    groups file's records, one per document. With ``explanations`` (per document id), each
    row gains ``explain``."""
    table = _table(groups)
    names, docs, group = table.names, table.docs.tolist(), table.group.tolist()
    kinds = [k.value for k in ROW_KINDS]
    row_kinds = table.row_kinds().tolist()
    scores = table.row_scores()
    scored = (~np.isnan(scores[:, 0])).tolist()
    reps = table.rep_docs.tolist()
    for r, d in enumerate(docs):
        g = group[r]
        translation = table.translations.get(d)
        row = {
            "id": names[d],
            "group": table.group_ids[g],
            "representative": names[reps[g]],
            "kind": kinds[row_kinds[r]],
            "scores": scores_of(scores[r].tolist()).as_dict() if scored[r] else {},
            "translation": translation.as_dict() if translation is not None else None,
        }
        if explanations is not None:
            row["explain"] = explanations.get(names[d])
        yield row


def write_groups(
    groups: GroupTable | Iterable[Group],
    path: StrPath,
    *,
    explanations: Mapping[str, dict[str, Any]] | None = None,
) -> int:
    """Write ``group_rows(groups)`` atomically to ``path``; return the number of rows.

    Every format is rendered from the table's columns a block of rows at a time, as Arrow
    arrays (the same records, byte for byte, as ``write_records`` makes of ``group_rows``:
    tests/write/test_groups.py); a file with explanations goes through the rows."""
    table = _table(groups)
    fmt = output_format(path)
    strings = None
    if explanations is None:
        try:
            strings = _Strings.of(table, fmt)
        except (UnicodeError, pa.ArrowException):  # an id Arrow cannot hold: the rows say why
            strings = None
    if strings is None:
        schema = GROUP_SCHEMA
        if explanations is not None:
            schema = schema.append(pa.field("explain", EXPLAIN_TYPE))
        rows = group_rows(table, explanations)
        with collection_paused():  # a row per document, no cycles (memory.py)
            if fmt == "jsonl":  # rows hold the schema's fields, in its order
                return write_records(rows, path)
            return write_records(rows, path, columns=list(schema.names), schema=schema)
    n = len(table)
    blocks = [(start, min(start + BLOCK_ROWS, n)) for start in range(0, n, BLOCK_ROWS)]
    if fmt == "jsonl":
        write_blocks((_jsonl_block(table, strings, *block) for block in blocks), path)
        return n
    if fmt == "csv":
        header = _csv_line([arrays.strings([name]) for name in GROUP_SCHEMA.names])
        lines = (_csv_block(table, strings, *block) for block in blocks)
        write_blocks(itertools.chain([header], lines), path)
        return n
    return write_batches((_batch(table, strings, *block) for block in blocks), path, GROUP_SCHEMA)


@dataclass(frozen=True, slots=True)
class _Strings:
    """The table's ids as Arrow strings, made once for the file's format (JSON literals for
    JSONL, cells for CSV): blocks of rows take theirs by index."""

    docs: pa.Array  #: by document number
    groups: pa.Array  #: by group
    representatives: pa.Array  #: by group

    @classmethod
    def of(cls, table: GroupTable, fmt: str) -> _Strings:
        def made(values: Sequence[str]) -> pa.Array:
            array = arrays.strings(values)
            return _quoted(array) if fmt == "jsonl" else _cell(array) if fmt == "csv" else array

        docs = made(table.names)
        return cls(docs, made(table.group_ids), docs.take(arrays.numbers(table.rep_docs)))

    def rows(self, table: GroupTable, start: int, stop: int) -> list[pa.Array]:
        """The id, group and representative columns of rows ``start:stop``."""
        group = arrays.numbers(table.group[start:stop])
        ids = self.docs.take(arrays.numbers(table.docs[start:stop]))
        return [ids, self.groups.take(group), self.representatives.take(group)]


def _table(groups: GroupTable | Iterable[Group]) -> GroupTable:
    return groups if isinstance(groups, GroupTable) else GroupTable.of(groups)


def round4(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """``round(v, 4)`` of every value, as Python rounds (the exact binary value to the nearest
    4-decimal number, ties to even): numpy's ``round`` scales first, and where the scaled
    value lands within a rounding error of a tie it can pick the other side, so those few are
    rounded by Python."""
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = values * 1e4
        out = np.rint(scaled) / 1e4
        near_tie = (np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6) | (np.abs(scaled) > 2.0**40)
    for k in np.flatnonzero(near_tie).tolist():
        out.flat[k] = round(float(values.flat[k]), 4)
    return out


def _quoted(array: pa.Array) -> pa.Array:
    """Each string as a JSON string literal, as orjson writes it."""
    quoted = pc.binary_join_element_wise(
        arrays.literal('"'), array, arrays.literal('"'), arrays.literal("")
    )
    escape = pc.match_substring_regex(array, _NEEDS_ESCAPE)
    if pc.any(escape).as_py():
        fixed = [orjson.dumps(s).decode() for s in array.filter(escape).to_pylist()]
        quoted = pc.replace_with_mask(quoted, escape, arrays.strings(fixed))
    return quoted


def _scores_json(scores: NDArray[np.float64]) -> pa.Array:
    """Each row's ``scores`` object: ``{}`` where there are none, else the rounded figures."""
    scored = ~np.isnan(scores[:, 0])
    out = arrays.repeated("{}", len(scores))
    if not scored.any():
        return out
    values = orjson.dumps(round4(scores[scored]).ravel().tolist())[1:-1].split(b",")
    width = len(SCORE_COLUMNS)
    parts: list[Any] = []
    for j, name in enumerate(SCORE_COLUMNS):
        parts += [
            arrays.literal(("{" if j == 0 else ",") + f'"{name}":'),
            arrays.strings(values[j::width]),
        ]
    objects = pc.binary_join_element_wise(*parts, arrays.literal("}"), arrays.literal(""))
    return pc.replace_with_mask(out, arrays.booleans(scored), objects)


def _translations_json(table: GroupTable, start: int, stop: int, missing: str) -> pa.Array:
    """Each row's translation as a JSON object, ``missing`` where it has none."""
    out = arrays.repeated(missing, stop - start)
    found = _translations(table, start, stop)
    if not any(found):
        return out
    mask = np.array([t is not None for t in found])
    values = [orjson.dumps(t.as_dict()).decode() for t in found if t is not None]
    return pc.replace_with_mask(out, arrays.booleans(mask), arrays.strings(values))


def _translations(table: GroupTable, start: int, stop: int) -> list[TranslationScores | None]:
    """Each row's translation figures (None for most)."""
    if not table.translations:
        return [None] * (stop - start)
    return [table.translations.get(d) for d in table.docs[start:stop].tolist()]


def _jsonl_block(table: GroupTable, strings: _Strings, start: int, stop: int) -> bytes:
    """Rows ``start:stop`` as JSON lines (orjson's bytes for ``group_rows``' records)."""
    ids, groups, representatives = strings.rows(table, start, stop)
    lines = pc.binary_join_element_wise(
        arrays.literal('{"id":'),
        ids,
        arrays.literal(',"group":'),
        groups,
        arrays.literal(',"representative":'),
        representatives,
        arrays.literal(',"kind":'),
        _kind_names(True).take(arrays.numbers(table.row_kinds(start, stop))),
        arrays.literal(',"scores":'),
        _scores_json(table.row_scores(start, stop)),
        arrays.literal(',"translation":'),
        _translations_json(table, start, stop, "null"),
        arrays.literal("}\n"),
        arrays.literal(""),
    )
    return _joined(lines)


def _cell(array: pa.Array) -> pa.Array:
    """Each string as a CSV cell, as Python's csv module writes it (QUOTE_MINIMAL)."""
    needs = pc.match_substring_regex(array, r'[,"\r\n]')
    escaped = pc.replace_substring(array, '"', '""')
    quoted = pc.binary_join_element_wise(
        arrays.literal('"'), escaped, arrays.literal('"'), arrays.literal("")
    )
    return pc.if_else(needs, quoted, array)


def _csv_line(cells: list[pa.Array]) -> bytes:
    """Rows of cells joined by commas, each line ended by CRLF (csv.writer's default)."""
    lines = pc.binary_join_element_wise(*cells, arrays.literal(","))
    return _joined(pc.binary_join_element_wise(lines, arrays.literal("\r\n"), arrays.literal("")))


def _csv_block(table: GroupTable, strings: _Strings, start: int, stop: int) -> bytes:
    """Rows ``start:stop`` as CSV lines (``write_records``' bytes for ``group_rows``' records:
    objects as compact JSON, a missing translation an empty cell)."""
    return _csv_line(
        [
            *strings.rows(table, start, stop),
            _kind_names(False).take(arrays.numbers(table.row_kinds(start, stop))),
            _cell(_scores_json(table.row_scores(start, stop))),
            _cell(_translations_json(table, start, stop, "")),
        ]
    )


def _translation_structs(found: list[TranslationScores | None]) -> pa.Array:
    """The rows' translation structs: all null in a run of one language (without
    ``pa.array``, which imports pandas: write/arrays.py)."""
    if not any(found):
        return pa.nulls(len(found), TRANSLATION_TYPE)
    return pa.array([t.as_dict() if t is not None else None for t in found], TRANSLATION_TYPE)


def _joined(lines: pa.Array) -> bytes:
    """The bytes of a string array's values, end to end."""
    offsets = np.frombuffer(lines.buffers()[1], np.int32, len(lines) + 1, lines.offset * 4)
    data: pa.Buffer = lines.buffers()[2]
    block: bytes = data.slice(int(offsets[0]), int(offsets[-1] - offsets[0])).to_pybytes()
    return block


def _batch(table: GroupTable, strings: _Strings, start: int, stop: int) -> pa.RecordBatch:
    """Rows ``start:stop`` as a record batch of GROUP_SCHEMA (no scores: null)."""
    scores = table.row_scores(start, stop)
    rounded = round4(scores)
    struct = pa.StructArray.from_arrays(
        [arrays.numbers(rounded[:, j]) for j in range(len(SCORE_COLUMNS))],
        fields=list(_SCORE_STRUCT),
        mask=arrays.booleans(np.isnan(scores[:, 0])),
    )
    found = _translations(table, start, stop)
    return pa.RecordBatch.from_arrays(
        [
            *strings.rows(table, start, stop),
            _kind_names(False).take(arrays.numbers(table.row_kinds(start, stop))),
            struct,
            _translation_structs(found),
        ],
        schema=GROUP_SCHEMA,
    )
