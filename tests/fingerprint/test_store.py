from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsdedup import Config, StoreError
from newsdedup.fingerprint.batch import fingerprint_texts
from newsdedup.fingerprint.store import load_fingerprints, save_fingerprints


def _fp(config: Config):  # type: ignore[no-untyped-def]
    texts = ["Putin meets Xi in Samarkand", "Xi visits Moscow in March", "\u201cquoted\u201d text"]
    return fingerprint_texts(["a", "b", "c"], texts, [0, 1, 2], config)


def test_store_round_trip(tmp_path: Path) -> None:
    config = Config()
    fp = _fp(config)
    loaded = load_fingerprints(save_fingerprints(fp, tmp_path / "fp.npz"), config)
    assert loaded.ids == fp.ids and loaded.scheme == fp.scheme
    for name in ("exact", "keys", "sets", "positions", "set_offsets", "n_content", "published"):
        assert getattr(loaded, name).tolist() == getattr(fp, name).tolist()


@pytest.mark.parametrize("override", ["shingle.size=3", "minhash.seed=2", "lsh.bands=64"])
def test_store_refuses_another_scheme(tmp_path: Path, override: str) -> None:
    path = save_fingerprints(_fp(Config()), tmp_path / "fp.npz")
    key, value = override.split("=")
    with pytest.raises(StoreError, match="scheme"):
        load_fingerprints(path, Config().override({key: value}))


def test_store_file_of_the_earlier_minhash_scheme_says_how_to_load_it(tmp_path: Path) -> None:
    earlier = Config().override({"minhash.scheme": "kperm"})
    path = save_fingerprints(_fp(earlier), tmp_path / "fp.npz")
    with pytest.raises(StoreError, match=re.escape("--set minhash.scheme=kperm")):
        load_fingerprints(path, Config())
    assert load_fingerprints(path, earlier).scheme == earlier.fingerprint_id


def test_store_reports_an_unreadable_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(StoreError, match="Cannot read"):
        load_fingerprints(bad, Config())
