"""``newsdedup serve --db PATH``: the HTTP API and web UI over a living index (serve extra)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from newsdedup.cli.main import ConfigFile, Overrides, _config, _fail, console
from newsdedup.errors import ConfigError, MissingExtraError, NewsdedupError

__all__ = ["serve"]


def _require_extra() -> None:
    """Fail early, with the pip command, when the serve extra is missing."""
    for package, module in (("fastapi", "fastapi"), ("uvicorn", "uvicorn"), ("jinja2", "jinja2")):
        try:
            __import__(module)
        except ImportError as exc:
            raise MissingExtraError(package, extra="serve", feature="newsdedup serve") from exc


def _token(name: str | None) -> str | None:
    if name is None:
        return None
    value = os.environ.get(name, "")
    if not value:
        raise ConfigError(
            f"--token-env {name}: the environment variable {name} is unset or empty. "
            f"Set it to the API token (export {name}=...) or leave --token-env out."
        )
    return value


def serve(
    db: Annotated[Path, typer.Option("--db", help="The index file (SQLite; created if missing).")],
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    token_env: Annotated[
        str | None,
        typer.Option(
            "--token-env",
            help="Name of an environment variable holding the API token; writes then need "
            "'Authorization: Bearer TOKEN'.",
        ),
    ] = None,
    config_file: ConfigFile = None,
    overrides: Overrides = None,
) -> None:
    """Serve the index at --db: JSON API (docs at /docs) and web UI (at /ui/)."""
    try:
        _require_extra()
        import uvicorn

        from newsdedup.serve import create_app
        from newsdedup.store.index import Index

        token = _token(token_env)
        config = _config(config_file, overrides)
        with Index(db, config) as index:
            console.print(f"serving {db} on http://{host}:{port}/ui/ (API docs at /docs)")
            uvicorn.run(create_app(index, token=token), host=host, port=port, log_level="warning")
    except NewsdedupError as exc:
        raise _fail(exc) from exc
