"""Every exception newsdedup raises on purpose.

    NewsdedupError
     ├── ConfigError(ValueError)      a setting is out of range or of the wrong type
     ├── InputError                   a record or file cannot be read (carries ``origin``)
     ├── MissingExtraError(ImportError)  an optional dependency is not installed
     ├── StoreError                   a persisted artefact is missing, corrupt or incompatible
     ├── DiffTooLargeError(ValueError)  a text too long to align on request (the service's 413)
     └── DiffBusyError                every diff slot stayed busy (the service's 503)

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
    "DiffBusyError",
    "DiffTooLargeError",
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


class DiffTooLargeError(NewsdedupError, ValueError):
    """An article is too long to align on request (``param`` names it: ``a`` or ``b``)."""

    def __init__(self, param: str, article_id: str, chars: int, limit: int) -> None:
        self.param, self.chars, self.limit = param, chars, limit
        super().__init__(
            f"The text of article {param} {article_id!r} has {chars:,} characters; a diff is "
            f"computed only for texts of at most {limit:,}. Compare the two files with "
            "'newsdedup diff' instead."
        )


class DiffBusyError(NewsdedupError):
    """Every diff slot stayed busy for ``retry_after`` seconds."""

    def __init__(self, workers: int, waited: float) -> None:
        self.retry_after = waited
        super().__init__(
            f"The service is already computing {workers} diffs and none finished within "
            f"{waited:g} s. Retry later."
        )


def invalid_param(name: str, owner: str, allowed: str, got: object) -> ConfigError:
    """The one message form for a bad parameter value (as in scikit-learn)."""
    return ConfigError(f"The '{name}' parameter of {owner} must be {allowed}. Got {got!r} instead.")
