from __future__ import annotations

import importlib
import importlib.metadata
from types import ModuleType

import pytest

import newsdedup

_PRIVATE_EXPORTS = {"__version__"}


def test_exported_members_all_matches_the_public_names() -> None:
    public = {
        name
        for name, value in vars(newsdedup).items()
        if not isinstance(value, ModuleType)
        and (not name.startswith("_") or name in _PRIVATE_EXPORTS)
    }
    assert set(newsdedup.__all__) == public


def test_exported_members_all_is_sorted_and_unique() -> None:
    assert newsdedup.__all__ == sorted(set(newsdedup.__all__))


@pytest.mark.parametrize("name", newsdedup.__all__)
def test_exported_members_each_name_imports(name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from newsdedup import {name}", namespace)
    assert namespace[name] is getattr(newsdedup, name)


def test_exported_members_star_import() -> None:
    namespace: dict[str, object] = {}
    exec("from newsdedup import *", namespace)
    assert set(newsdedup.__all__) <= set(namespace)


@pytest.mark.parametrize(
    "name",
    [
        "find_copies",
        "find_stories",
        "Story",
        "StoryResult",
        "Config",
        "Article",
        "Group",
        "Member",
        "Kind",
        "Result",
        "Report",
        "NewsdedupError",
    ],
)
def test_exported_members_core_api_is_public(name: str) -> None:
    assert name in newsdedup.__all__


def test_exported_members_exceptions_form_one_tree() -> None:
    for name in ("ConfigError", "InputError", "MissingExtraError", "StoreError"):
        assert issubclass(getattr(newsdedup, name), newsdedup.NewsdedupError)
    assert issubclass(newsdedup.ConfigError, ValueError)
    assert issubclass(newsdedup.MissingExtraError, ImportError)


def test_exported_members_version_matches_the_package_metadata() -> None:
    assert newsdedup.__version__ == importlib.metadata.version("newsdedup")


@pytest.mark.parametrize(
    "module",
    [
        "newsdedup.config",
        "newsdedup.errors",
        "newsdedup.types",
        "newsdedup.api",
        "newsdedup.report",
        "newsdedup.clean.normalize",
        "newsdedup.fingerprint.batch",
        "newsdedup.fingerprint.kernels",
        "newsdedup.fingerprint.minhash",
        "newsdedup.fingerprint.stopwords",
        "newsdedup.candidates.lsh",
        "newsdedup.relate.align",
        "newsdedup.relate.verify",
        "newsdedup.relate.kind",
        "newsdedup.relate.compare",
        "newsdedup.group.copies",
        "newsdedup.group.representative",
        "newsdedup.group.stories",
        "newsdedup.group.stories.find",
        "newsdedup.group.stories.graph",
        "newsdedup.group.stories.records",
        "newsdedup.group.stories.vectors",
        "newsdedup.group.stories.linkage",
        "newsdedup.fingerprint.terms",
        "newsdedup.engine.local",
        "newsdedup.jobs",
        "newsdedup.metrics",
    ],
)
def test_exported_members_submodule_all_names_exist(module: str) -> None:
    mod = importlib.import_module(module)
    assert mod.__all__, module
    for name in mod.__all__:
        assert hasattr(mod, name), f"{module}.{name}"
