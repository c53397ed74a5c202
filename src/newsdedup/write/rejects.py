"""The records a run could not use, with where they came from and why: nothing vanishes silently."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa

from newsdedup.atomic import StrPath
from newsdedup.types import Rejected
from newsdedup.write.formats import write_records

__all__ = ["REJECT_COLUMNS", "REJECT_SCHEMA", "reject_rows", "write_rejects"]

REJECT_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("line", pa.int64()),
        ("reason", pa.string()),
        ("detail", pa.string()),
    ]
)

REJECT_COLUMNS = list(REJECT_SCHEMA.names)


def reject_rows(rejected: Iterable[Rejected]) -> Iterator[dict[str, Any]]:
    """One row per rejection, in the order given; ``line`` is null when the input has no lines."""
    for r in rejected:
        yield {"path": r.origin.path, "line": r.origin.line, "reason": r.reason, "detail": r.detail}


def write_rejects(rejected: Iterable[Rejected], path: StrPath) -> int:
    """Write the rejections atomically to ``path``; return how many were written."""
    return write_records(reject_rows(rejected), path, columns=REJECT_COLUMNS, schema=REJECT_SCHEMA)
