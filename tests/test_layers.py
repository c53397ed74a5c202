"""The import layers of docs/architecture.md hold (import-linter contracts in pyproject.toml):
a stage never imports an executor, the run layer or the face; the ground imports nothing above
it; the product never imports the generator."""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

import newsdedup

ROOT = Path(__file__).resolve().parents[1]


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def test_every_package_has_a_layer() -> None:
    """A new top-level module must be placed in a layer, or it escapes every contract."""
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    placed = {name.strip() for layer in layers for name in layer.replace(":", "|").split("|")}
    modules = {m.name for m in pkgutil.iter_modules(newsdedup.__path__)}
    assert modules - placed == {"synth"}, "place these in [tool.importlinter] layers"


def test_import_contracts_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0
