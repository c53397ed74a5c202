"""``newsdedup serve --db PATH``: the HTTP API and web UI over a living index (serve extra)."""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from newsdedup.cli.main import ConfigFile, Overrides, _config, _fail, err_console
from newsdedup.errors import ConfigError, MissingExtraError, NewsdedupError, invalid_param

__all__ = ["serve"]

#: Connections the kernel queues before the server accepts them (uvicorn's default).
BACKLOG = 2048


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


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port`` (0: any free port), bound before anything is
    announced; a ConfigError that says what to do when it cannot be."""
    if isinstance(port, bool) or not 0 <= port <= 65535:
        raise invalid_param("port", "newsdedup serve", "an integer in [0, 65535]", port)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConfigError(
            f"Cannot listen on --host {host!r}: the name does not resolve ({exc}). Give an "
            "address such as 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)."
        ) from exc
    family, kind, proto, _, address = found[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        raise ConfigError(_cannot_bind(host, port, exc)) from exc
    return sock


#: What to do when the address cannot be bound, by errno.
_BIND_ADVICE = {
    errno.EADDRINUSE: "the port is already in use. Stop what listens there or give another --port",
    errno.EACCES: "permission denied (ports below 1024 need privileges). Give a --port above 1023",
    errno.EADDRNOTAVAIL: "the address is not one of this machine's. Give --host 127.0.0.1 or "
    "0.0.0.0",
}


def _cannot_bind(host: str, port: int, exc: OSError) -> str:
    advice = _BIND_ADVICE.get(exc.errno or 0)
    if advice is None:
        advice = f"{exc.strerror or exc}. Give another --host or --port"
    return f"Cannot listen on {_url_host(host)}:{port}: {advice}."


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def serve(
    db: Annotated[Path, typer.Option("--db", help="The index file (SQLite; created if missing).")],
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on (0: any free port, printed).")
    ] = 8000,
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
    """Serve the index at --db: JSON API (docs at /docs) and web UI (at /ui/). The settings
    must be those the index was made with (see `newsdedup index add`)."""
    try:
        _require_extra()
        token = _token(token_env)
        config = _config(config_file, overrides)
        sock = listen(host, port)  # bound first: a busy port fails before any "serving"
        try:
            _run(sock, db, host, config, token)
        finally:
            sock.close()
    except NewsdedupError as exc:
        raise _fail(exc) from exc


def _run(sock: socket.socket, db: Path, host: str, config: object, token: str | None) -> None:
    import uvicorn

    from newsdedup.cli.index import open_index
    from newsdedup.config import Config
    from newsdedup.serve import create_app

    assert isinstance(config, Config)
    with open_index(db, config) as index:
        url = f"http://{_url_host(host)}:{sock.getsockname()[1]}"
        err_console.print(
            f"serving {escape(str(db))} on {url}/ui/ (API docs at /docs)",
            highlight=False,
            soft_wrap=True,
        )
        server = uvicorn.Server(uvicorn.Config(create_app(index, token=token), log_level="warning"))
        server.run(sockets=[sock])
