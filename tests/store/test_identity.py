"""What an index file is: the settings it was built with (store/identity.py), and what ``--db``
may name (store/schema.py ``open_index``)."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from newsdedup.config import EXTRACTORS, Config
from newsdedup.errors import ConfigError, StoreError
from newsdedup.store.identity import NOT_IDENTITY, settings_of, stored_settings
from newsdedup.store.index import Index
from newsdedup.synth import generate_corpus

DEFAULTS = settings_of(Config())

#: Settings that name the fingerprint scheme: refused by the scheme check before the settings.
SCHEME_SECTIONS = ("normalize", "shingle", "minhash")
SCHEME_KEYS = {"lsh.bands", "lsh.rows"}


def _other_value(key: str, value: Any) -> Any:
    """A valid value of ``key`` other than ``value``."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, str):
        choices = {
            "clean.extractor": EXTRACTORS[1],
            "shingle.stopwords": "multi",
            "minhash.scheme": "kperm",
            "relation.weights": "uniform",
            "group.representative": "longest",
            "verify.model": "other-model.json",
            "translate.encoder": "all",
            "translate.device": "cpu",
        }
        return choices[key]
    for candidate in (value + 1, value - 1, value / 2, value * 2):
        try:
            Config().override({key: json.dumps(candidate)})
        except ConfigError:
            continue
        return candidate
    raise AssertionError(f"no other valid value for {key}")


def _one_setting_changed(key: str) -> tuple[Config, Any]:
    other = _other_value(key, DEFAULTS[key])
    return Config().override({key: json.dumps(other)}), other


def test_identity_holds_every_result_setting_and_no_run_setting() -> None:
    config = Config()
    every = {
        f"{part.name}.{f.name}"
        for part in dataclasses.fields(config)
        for f in dataclasses.fields(getattr(config, part.name))
    }
    # how the work runs and how each input file is read (translations are found by the index:
    # their settings are part of it, but for the encoder's threads and device)
    outside = ("run.", "read.")
    assert set(DEFAULTS) == {k for k in every if not k.startswith(outside)} - NOT_IDENTITY
    for key in ("verify.near_jaccard", "lsh.max_bucket", "stories.story_similarity",
                "group.representative", "relation.similarity", "clean.extractor"):  # fmt: skip
        assert key in DEFAULTS
    assert not any(k.startswith(outside) for k in DEFAULTS)


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_identity_reopening_with_another_setting_is_refused(tmp_path: Path, key: str) -> None:
    path = tmp_path / "x.db"
    Index(path, Config()).close()
    other, value = _one_setting_changed(key)
    with pytest.raises(StoreError) as info:
        Index(path, other)
    message = str(info.value)
    section = key.split(".")[0]
    if section in SCHEME_SECTIONS or key in SCHEME_KEYS:
        assert "scheme" in message  # the fingerprints themselves would differ
        return
    stored = json.dumps(DEFAULTS[key])
    assert message.startswith(f"{path} was built with other settings: ")
    assert f"{key} is {stored} in the index, {json.dumps(value)} here" in message
    assert "Open it with its settings (--set " in message
    assert "build a new index with these settings at another path" in message


#: every setting of ``Config``, as "section.name"
EVERY = {
    f"{part.name}.{f.name}"
    for part in dataclasses.fields(Config())
    for f in dataclasses.fields(getattr(Config(), part.name))
}


@pytest.mark.parametrize(
    "key", sorted({"run.workers", "run.batch_size", "run.strict"} | (NOT_IDENTITY & EVERY))
)
def test_identity_settings_that_change_no_result_are_accepted(tmp_path: Path, key: str) -> None:
    path = tmp_path / "x.db"
    Index(path, Config()).close()
    current = dataclasses.asdict(getattr(Config(), key.split(".")[0]))[key.split(".")[1]]
    other = Config().override({key: json.dumps(_other_value(key, current))})
    with Index(path, other) as index:
        assert index.settings_adopted is False


def test_identity_a_refused_open_changes_nothing(tmp_path: Path) -> None:
    """The reviewer's case: 300 more articles under verify.near_jaccard=0.3 are refused whole,
    and the file keeps what it had; under the same settings they go in."""
    articles = list(generate_corpus(60, seed=3, words=80, copy_rate=0.4).articles)
    path = tmp_path / "x.db"
    with Index(path, Config()) as index:
        index.add(articles[:30])
        before = index.stats()
    looser = Config().override({"verify.near_jaccard": "0.3"})
    with pytest.raises(StoreError, match=r"verify\.near_jaccard is 0\.75 in the index, 0\.3 here"):
        Index(path, looser)
    with Index(path, Config().override({"run.workers": "1"})) as index:
        assert index.stats()["articles"] == before["articles"]
        index.add(articles[30:])
        assert index.stats()["articles"] == len({a.id for a in articles})


def test_identity_lists_every_difference_and_the_flags_that_open_it(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    built = Config().override({"verify.near_jaccard": "0.3", "clean.extractor": '"readability"'})
    Index(path, built).close()
    with pytest.raises(StoreError) as info:
        Index(path, Config().override({"lsh.max_bucket": "50"}))
    message = str(info.value)
    assert 'clean.extractor is "readability" in the index, "trafilatura" here' in message
    assert "lsh.max_bucket is 200 in the index, 50 here" in message
    assert "verify.near_jaccard is 0.3 in the index, 0.75 here" in message
    flags = "--set 'clean.extractor=\"readability\"' --set lsh.max_bucket=200 "
    assert flags + "--set verify.near_jaccard=0.3" in message
    with Index(path, built):  # the flags' settings open it
        pass


def _forget_settings(path: Path, settings: dict[str, Any] | None = None) -> None:
    with sqlite3.connect(path) as conn:
        if settings is None:
            conn.execute("DELETE FROM meta WHERE key = 'settings'")
        else:
            conn.execute(
                "UPDATE meta SET value = ? WHERE key = 'settings'", (json.dumps(settings),)
            )
    conn.close()


def test_identity_an_older_file_adopts_the_settings_of_its_first_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Index(path, Config()) as index:
        index.add(list(generate_corpus(10, seed=1, words=60).articles))
    _forget_settings(path)  # as a file made before settings were recorded
    first = Config().override({"stories.story_similarity": "0.4"})
    with Index(path, first) as index:
        assert index.settings_adopted is True
        assert stored_settings(index._writer) == settings_of(first)
    with Index(path, first) as index:
        assert index.settings_adopted is False
    with pytest.raises(StoreError, match=r"stories\.story_similarity is 0\.4 in the index"):
        Index(path, Config())


def test_identity_an_empty_older_file_records_silently(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    Index(path, Config()).close()
    _forget_settings(path)
    with Index(path, Config()) as index:
        assert index.settings_adopted is False  # nothing was built under unknown settings
        assert stored_settings(index._writer) == DEFAULTS


def test_identity_a_setting_newer_than_the_file_had_its_default(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    Index(path, Config()).close()
    _forget_settings(path, {k: v for k, v in DEFAULTS.items() if k != "lsh.max_bucket"})
    with pytest.raises(StoreError, match=r"lsh\.max_bucket is 200 in the index, 50 here"):
        Index(path, Config().override({"lsh.max_bucket": "50"}))
    with Index(path, Config()) as index:
        assert stored_settings(index._writer) == DEFAULTS  # recorded from now on


# -- what --db may name ---------------------------------------------------------------------


def test_identity_refuses_a_folder_and_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"is a folder; an index is one file\. Give the path"):
        Index(tmp_path)
    missing = tmp_path / "no" / "x.db"
    with pytest.raises(StoreError) as info:
        Index(missing)
    assert str(info.value) == (
        f"Cannot create the index {missing}: the folder {missing.parent} does not exist. "
        "Create it first, or give a path in an existing folder."
    )
    assert not missing.parent.exists()


def test_identity_refuses_a_file_that_is_not_sqlite_and_leaves_it(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"my notes, not a database\n")
    with pytest.raises(StoreError, match="is not an SQLite file, so not a newsdedup index"):
        Index(path)
    assert path.read_bytes() == b"my notes, not a database\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_identity_refuses_another_programs_database_and_leaves_it(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE users (id INTEGER, name TEXT)")
        conn.execute("INSERT INTO users VALUES (1, 'ada')")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        Index(path)
    assert "an SQLite database of another program (tables: users), not a newsdedup index" in str(
        info.value
    )
    assert path.read_bytes() == before  # no tables added, not switched to WAL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_identity_refuses_a_versioned_database_without_the_index_schema(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 2")
        conn.execute("CREATE TABLE things (x)")
    conn.close()
    with pytest.raises(StoreError, match="another program"):
        Index(path)


def test_identity_an_empty_file_becomes_an_index(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    path.touch()  # as mktemp leaves it
    with Index(path) as index:
        assert index.stats()["articles"] == 0
    with Index(path):
        pass


def test_identity_opening_an_agreeing_index_takes_no_write_lock(tmp_path: Path) -> None:
    """`index stats` or `query` while another process ingests: the check only reads."""
    path = tmp_path / "x.db"
    Index(path, Config()).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    try:
        with Index(path, Config().override({"run.workers": "1"})) as index:
            assert index.stats()["articles"] == 0
    finally:
        other.execute("ROLLBACK")
        other.close()
