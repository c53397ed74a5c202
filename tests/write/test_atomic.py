import os
from pathlib import Path

import pytest

from newsdedup.errors import ConfigError
from newsdedup.write import atomic_open, atomic_path


class Boom(Exception):
    pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_atomic_path_replaces_target_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with atomic_path(target) as tmp:
        tmp.write_text("new")
        assert target.read_text() == "old"
    assert target.read_text() == "new"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_atomic_path_temp_is_hidden_sibling(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path
        assert tmp.name.startswith(".out.txt.tmp-")
        assert tmp.exists()


def test_atomic_path_creates_parent_directories(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.txt"
    with atomic_path(target) as tmp:
        tmp.write_text("x")
    assert target.read_text() == "x"


def test_atomic_path_new_file_follows_umask(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with atomic_path(target) as tmp:
        tmp.write_text("x")
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()


def test_atomic_path_error_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(Boom), atomic_path(tmp_path / "out.txt") as tmp:
        tmp.write_text("half")
        raise Boom
    assert os.listdir(tmp_path) == []


def test_atomic_path_error_keeps_old_content(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(Boom), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise Boom
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.txt"]


@pytest.mark.parametrize(("mode", "content"), [("wb", b"caf\xc3\xa9"), ("w", "café")])
def test_atomic_open_writes_binary_and_utf8_text(
    tmp_path: Path, mode: str, content: object
) -> None:
    target = tmp_path / "out.txt"
    with atomic_open(target, mode) as file:  # type: ignore[call-overload]
        file.write(content)
    assert target.read_bytes() == b"caf\xc3\xa9"


def test_atomic_open_error_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(Boom), atomic_open(tmp_path / "out.bin") as file:
        file.write(b"half")
        raise Boom
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("mode", ["r", "ab", "w+"])
def test_atomic_open_rejects_other_modes(tmp_path: Path, mode: str) -> None:
    with (
        pytest.raises(ConfigError, match="'mode' parameter of atomic_open"),
        atomic_open(tmp_path / "out.bin", mode),  # type: ignore[call-overload]
    ):
        pass
    assert os.listdir(tmp_path) == []
