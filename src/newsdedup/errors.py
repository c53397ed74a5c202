"""Every exception newsdedup raises on purpose.

    NewsdedupError
     ├── ConfigError(ValueError)      a setting is out of range or of the wrong type
     ├── InputError                   a record or file cannot be read (carries ``origin``)
     ├── MissingExtraError(ImportError)  an optional dependency is not installed
     └── StoreError                   a persisted artefact is missing, corrupt or incompatible

Messages name the thing, say what is allowed, and say what to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsdedup.types import Origin

__all__ = ["ConfigError", "InputError", "MissingExtraError", "NewsdedupError", "StoreError"]


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
            f"Install it with: pip install 'newsdedup[{extra}]'"
        )


class StoreError(NewsdedupError):
    """A persisted artefact (signatures, index) cannot be used."""


def invalid_param(name: str, owner: str, allowed: str, got: object) -> ConfigError:
    """The one message form for a bad parameter value (as in scikit-learn)."""
    return ConfigError(f"The '{name}' parameter of {owner} must be {allowed}. Got {got!r} instead.")
