"""The write stage: groups, deduplicated corpus, cleaned articles, rejects; JSONL, CSV or Parquet.

Every output is written atomically (temporary sibling, fsync, ``os.replace``), so a run never
leaves a half-written file. The format follows the extension: ``.jsonl``/``.ndjson``/``.json``,
``.csv`` (either optionally ``.gz`` or ``.zst``) or ``.parquet``.
"""

from newsdedup.atomic import atomic_open, atomic_path
from newsdedup.write.cleaned import write_cleaned, write_removals
from newsdedup.write.corpus import article_row, write_corpus
from newsdedup.write.formats import output_format, sibling, write_records
from newsdedup.write.groups import group_rows, write_groups
from newsdedup.write.rejects import reject_rows, write_rejects

__all__ = [
    "article_row",
    "atomic_open",
    "atomic_path",
    "group_rows",
    "output_format",
    "reject_rows",
    "sibling",
    "write_cleaned",
    "write_corpus",
    "write_groups",
    "write_records",
    "write_rejects",
    "write_removals",
]
