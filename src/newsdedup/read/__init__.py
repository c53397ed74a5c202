"""The read stage: files and folders of news articles in, a stream of Articles out.

Reads plain-text files (one article each), JSON Lines, CSV and Parquet, and from the web HTML
pages (one per file), WARC archives and RSS/Atom feeds, gzip- or zstd-compressed or not; a file
whose name tells no format is recognised by its first bytes. The main text of web pages is
extracted (``clean.extractor``), in worker processes when ``workers`` asks for them. Every
record that cannot become an Article is rejected through the Report with one of these reason
codes, and reading goes on:

    invalid_utf8     the bytes of a line, row or .txt file are not UTF-8
    empty_text       the text is empty, whitespace only or null
    malformed_json   a JSONL line is not JSON
    not_an_object    a JSONL line is JSON but not an object
    malformed_csv    a CSV row cannot be parsed or has a different number of fields than the header
    missing_field    no text field, or a field named in FieldMap is absent
    bad_field        the text is not a string, or the id is neither a string nor an integer
    corrupt_file     a compressed stream, Parquet file or WARC archive (or a WARC record's HTTP
                     body) is damaged; what was lost is stated
    unreadable_file  the file cannot be opened or read (permissions, say; or a dangling link)
    unreadable_folder  a folder inside an input folder cannot be listed; its files are not read
    not_a_file       a named pipe, socket or device found in a folder: never opened
    not_html         an HTML file or WARC response is binary, or shows no markup near its start
    no_main_text     the extractor found no main text in the page (also for unparseable markup)
    extract_failed   the extractor raised on the page, or its worker process died; the error
                     is stated
    too_large        the page is over ``clean.max_page_bytes``; its size is stated
    malformed_feed   a feed file is not well-formed and no entry could be read from it

Counters (``report.counters``): ``derived_id`` (a record without an id gets "<file stem>:<line>"),
``unparsed_date`` (kept with ``published=None``), ``ignored_title``/``ignored_url``/
``ignored_source`` (a value that is not a string is dropped), ``skipped_file`` and
``skipped_record`` (a WARC record that is no page: requests, metadata, images, style sheets,
non-2xx responses, empty bodies).

Errors that stop reading (InputError): a path given that does not exist or is neither a regular
file nor a folder, a file whose format cannot be told, and a field that ``FieldMap`` requires
(the text, or a name set by hand) matching no column of a CSV header or Parquet schema, or no
field of the first 100 records of a JSON Lines file: a misspelt field option would otherwise
reject every record one by one.
"""

from newsdedup.clean.timestamps import parse_date
from newsdedup.read.base import FORMATS, SUFFIXES, detect_format, read_articles
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
