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

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import fields
from typing import Any

import pyarrow as pa

from newsdedup.atomic import StrPath
from newsdedup.memory import collection_paused
from newsdedup.types import Group, Kind, Member, Scores
from newsdedup.write.formats import output_format, write_records

__all__ = [
    "EXPLAIN_TYPE",
    "GROUP_COLUMNS",
    "GROUP_SCHEMA",
    "TRANSLATION_TYPE",
    "group_rows",
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


def group_rows(
    groups: Iterable[Group], explanations: Mapping[str, dict[str, Any]] | None = None
) -> Iterator[dict[str, Any]]:
    """Rows ordered by group id (as strings), then by member order within the group.

    The groups are sorted in memory; their members are not copied. With ``explanations`` (per
    document id), each row gains ``explain``.
    """
    for group in sorted(groups, key=lambda g: g.id):
        for member in group.members:
            row = _member_row(group, member)
            if explanations is not None:
                row["explain"] = explanations.get(member.id)
            yield row


def write_groups(
    groups: Iterable[Group],
    path: StrPath,
    *,
    explanations: Mapping[str, dict[str, Any]] | None = None,
) -> int:
    """Write ``group_rows(groups)`` atomically to ``path``; return the number of rows."""
    schema = GROUP_SCHEMA
    if explanations is not None:
        schema = schema.append(pa.field("explain", EXPLAIN_TYPE))
    rows = group_rows(groups, explanations)
    with collection_paused():  # a row per document, no cycles (memory.py)
        if output_format(path) == "jsonl":  # rows hold the schema's fields, in its order
            return write_records(rows, path)
        return write_records(rows, path, columns=list(schema.names), schema=schema)


def _member_row(group: Group, member: Member) -> dict[str, Any]:
    is_representative = member.id == group.representative
    kind = Kind.ORIGINAL if is_representative else member.kind
    scores = member.scores if member.scores is not None and not is_representative else None
    return {
        "id": member.id,
        "group": group.id,
        "representative": group.representative,
        "kind": kind.value,
        "scores": scores.as_dict() if scores is not None else {},
        "translation": member.translation.as_dict() if member.translation is not None else None,
    }
