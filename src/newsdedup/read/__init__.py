"""The read stage: files and folders of news articles in, a stream of Articles out.

Reads plain-text files (one article each), JSON Lines, CSV and Parquet, gzip- or zstd-compressed
or not. Every record that cannot become an Article is rejected through the Report with one of
these reason codes, and reading goes on:

    invalid_utf8     the bytes of a line, row or .txt file are not UTF-8
    empty_text       the text is empty, whitespace only or null
    malformed_json   a JSONL line is not JSON
    not_an_object    a JSONL line is JSON but not an object
    malformed_csv    a CSV row cannot be parsed or has a different number of fields than the header
    missing_field    no text field, or a field named in FieldMap is absent
    bad_field        the text is not a string, or the id is neither a string nor an integer
    corrupt_file     a compressed stream or Parquet file is damaged; what was lost is stated
    unreadable_file  the file cannot be opened or read (permissions, say)

Counters (``report.counters``): ``derived_id`` (a record without an id gets "<file stem>:<line>"),
``unparsed_date`` (kept with ``published=None``), ``ignored_title``/``ignored_url``/
``ignored_source`` (a value that is not a string is dropped) and ``skipped_file``.
"""

from newsdedup.read.base import FORMATS, SUFFIXES, detect_format, read_articles
from newsdedup.read.dates import parse_date
from newsdedup.read.fields import ALIASES, DEFAULT_FIELDS, FieldMap

__all__ = [
    "ALIASES",
    "DEFAULT_FIELDS",
    "FORMATS",
    "SUFFIXES",
    "FieldMap",
    "detect_format",
    "parse_date",
    "read_articles",
]
