"""Every exception newsdedup raises on purpose.

    NewsdedupError
     ├── ConfigError(ValueError)      a setting is out of range or of the wrong type
     ├── InputError                   a record or file cannot be read (carries ``origin``)
     ├── MissingExtraError(ImportError)  an optional dependency is not installed
     └── StoreError                   a persisted artefact is missing, corrupt or incompatible

Messages name the thing, say what is allowed, and say what to do.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsdedup.types import Origin

__all__ = [
    "ConfigError",
    "InputError",
    "MissingExtraError",
    "NewsdedupError",
    "StoreError",
    "install_hint",
]


class NewsdedupError(Exception):
    """Base class: catch this to handle any newsdedup failure."""


class ConfigError(NewsdedupError, ValueError):
    """A configuration value is invalid."""


class InputError(NewsdedupError):
    """A record or a whole input cannot be read; ``origin`` says where."""

    def __init__(self, message: str, *, origin: Origin | None = None) -> None:
        self.origin = origin
        super().__init__(f"{origin}: {message}" if origin is not None else message)


class MissingExtraError(NewsdedupError, ImportError):
    """An optional dependency is needed for the feature that was asked for."""

    def __init__(self, package: str, *, extra: str, feature: str) -> None:
        super().__init__(
            f"{feature} needs the package '{package}', which is not installed. "
            f"Install it with: {install_hint(extra)}"
        )


def install_hint(extra: str) -> str:
    """The pip command that adds ``extra`` to this installation.

    newsdedup is not on PyPI, so ``pip install 'newsdedup[x]'`` finds nothing there: the
    command names the checkout this package runs from (an editable install), else a checkout.
    """
    root = _checkout()
    command = (
        f"pip install -e {shlex.quote(f'{root}[{extra}]')} (this newsdedup's checkout; "
        if root is not None
        else f"pip install -e '.[{extra}]' in a newsdedup checkout ("
    )
    return (
        f"{command}newsdedup is not on PyPI, so pip install 'newsdedup[{extra}]' works only "
        "from a package index that serves it)"
    )


def _checkout() -> Path | None:
    """The source checkout this package runs from (an editable install), or None."""
    root = Path(__file__).resolve().parents[2]
    try:
        project = (root / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return None
    return root if 'name = "newsdedup"' in project else None


class StoreError(NewsdedupError):
    """A persisted artefact (signatures, index) cannot be used."""


def invalid_param(name: str, owner: str, allowed: str, got: object) -> ConfigError:
    """The one message form for a bad parameter value (as in scikit-learn)."""
    return ConfigError(f"The '{name}' parameter of {owner} must be {allowed}. Got {got!r} instead.")
