"""One row per document: which copy group it is in, and how it relates to the representative.

``scores`` holds ``Scores.as_dict()`` for a copy. The representative (whose kind is always
"original", so a singleton's only row too) and any member without scores get ``{}`` in JSONL and
CSV, so every row has an object there, and null in Parquet, where ``scores`` is a struct of the
float64 fields: a struct reads back as a dict in Python and filters by field in SQL engines
(``scores.jaccard > 0.9``), which a JSON string column would not.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import fields
from typing import Any

import pyarrow as pa

from newsdedup.types import Group, Kind, Member, Scores
from newsdedup.write.atomic import StrPath
from newsdedup.write.formats import write_records

__all__ = ["GROUP_COLUMNS", "GROUP_SCHEMA", "group_rows", "write_groups"]

GROUP_COLUMNS = ["id", "group", "representative", "kind", "scores"]

GROUP_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("group", pa.string()),
        ("representative", pa.string()),
        ("kind", pa.string()),
        ("scores", pa.struct([(f.name, pa.float64()) for f in fields(Scores)])),
    ]
)


def group_rows(groups: Iterable[Group]) -> Iterator[dict[str, Any]]:
    """Rows ordered by group id (as strings), then by member order within the group.

    The groups are sorted in memory; their members are not copied.
    """
    for group in sorted(groups, key=lambda g: g.id):
        for member in group.members:
            yield _member_row(group, member)


def write_groups(groups: Iterable[Group], path: StrPath) -> int:
    """Write ``group_rows(groups)`` atomically to ``path``; return the number of rows."""
    return write_records(group_rows(groups), path, columns=GROUP_COLUMNS, schema=GROUP_SCHEMA)


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
    }
