"""The settings an index was built with: part of its identity, checked at every open.

An index keeps the results of the settings it was built with (copy kinds, groups, stories,
cached verdicts), and ``add`` builds on them: opening it with other settings would mix two sets
of results in one file. So every setting that changes a result is recorded in ``meta`` (key
``settings``, JSON) when the file is created, and opening it with another value of any of them
fails with a StoreError naming each difference. Settings of how the input is read (``read.*``:
its format and field names, which may differ from file to file) and how the work runs
(``run.*``: executor, workers, batch size, strictness) are not part of it, nor are the
cleaning steps the index never applies (``per_article`` turns them off): changing those
changes no result.

A file made before settings were recorded (it has articles but no ``settings`` row) adopts the
settings of its first open under this code, and ``check_settings`` says so. A setting added to
``Config`` after a file was made is taken to have had its default there.
"""

from __future__ import annotations

import dataclasses
import json
import shlex
import sqlite3
from pathlib import Path
from typing import Any

from newsdedup.config import Config
from newsdedup.errors import StoreError

__all__ = ["NOT_IDENTITY", "check_settings", "settings_of", "stored_settings"]

#: Config sections that change how the input is read and the work runs, never its results.
_RUN_SECTIONS = ("read", "run")

#: Settings outside the identity in sections that are part of it: the index cleans each article
#: on its own (``clean.pipeline.per_article``), so it never learns boilerplate lines, tells
#: languages or takes dates from the text.
NOT_IDENTITY = frozenset(
    {
        "clean.learn",
        "clean.min_voices",
        "clean.learn_max_words",
        "clean.language",
        "clean.dates_from_text",
        "translate.threads",  # how many threads the encoder runs on
        "translate.device",  # where the encoder runs (the same vectors to float rounding)
    }
)


def settings_of(config: Config) -> dict[str, Any]:
    """Every setting of ``config`` that changes an index's results, as ``{"lsh.bands": 128}``."""
    found: dict[str, Any] = {}
    for part in dataclasses.fields(config):
        if part.name in _RUN_SECTIONS:
            continue
        for name, value in dataclasses.asdict(getattr(config, part.name)).items():
            key = f"{part.name}.{name}"
            if key not in NOT_IDENTITY:
                found[key] = value
    return found


def stored_settings(conn: sqlite3.Connection) -> dict[str, Any] | None:
    """The settings recorded in an index file, or None for a file made before they were."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'settings'").fetchone()
    return None if row is None else dict(json.loads(row[0]))


def check_settings(conn: sqlite3.Connection, config: Config, path: Path) -> bool:
    """Record the settings of a new file, or refuse ``config`` if it differs from them.

    Returns True when a file made before settings were recorded, and holding articles, adopted
    those of ``config`` (the caller tells the user); False otherwise. An index whose settings
    are recorded and agree is only read: opening it never waits for another process's write.
    """
    given = settings_of(config)
    stored = stored_settings(conn)
    if stored is not None and _agreed(stored, given, path) == stored:
        return False
    conn.execute("BEGIN IMMEDIATE")  # two processes opening one new file record one set
    try:
        stored = stored_settings(conn)
        adopted = stored is None and _has_articles(conn)
        _record(conn, given if stored is None else _agreed(stored, given, path))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return adopted


def _agreed(stored: dict[str, Any], given: dict[str, Any], path: Path) -> dict[str, Any]:
    """The stored settings, with any setting newer than the file added at its default; a
    StoreError when ``given`` differs from them."""
    known = {**settings_of(Config()), **stored}  # a setting newer than the file had its default
    differing = {k: (known[k], v) for k, v in given.items() if known[k] != v}
    if differing:
        raise StoreError(_mismatch(path, differing))
    return {**stored, **{k: known[k] for k in given}}


def _has_articles(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None


def _record(conn: sqlite3.Connection, settings: dict[str, Any]) -> None:
    value = json.dumps(settings, sort_keys=True)
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('settings', ?)", (value,))


def _mismatch(path: Path, differing: dict[str, tuple[Any, Any]]) -> str:
    listed = "; ".join(
        f"{key} is {_shown(stored)} in the index, {_shown(given)} here"
        for key, (stored, given) in sorted(differing.items())
    )
    flags = " ".join(
        f"--set {shlex.quote(f'{key}={_shown(stored)}')}"
        for key, (stored, _) in sorted(differing.items())
    )
    return (
        f"{path} was built with other settings: {listed}. An index keeps the results of the "
        "settings it was built with, so these would mix two sets of results in one file. Open "
        f"it with its settings ({flags}, or the --config that built it), or build a new index "
        "with these settings at another path."
    )


def _shown(value: Any) -> str:
    """A value as ``--set`` takes it (TOML: strings quoted, booleans lower case)."""
    return json.dumps(value)
