"""The application: JSON API, web UI and their guards, around one index passed in (no global
state, so tests and the CLI each build their own app over their own ``Index``)."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsdedup.errors import DiffBusyError, DiffTooLargeError, MissingExtraError, invalid_param
from newsdedup.serve import api, ui
from newsdedup.store.contract import IndexProtocol

__all__ = ["CSP", "create_app"]

#: Default request body limit: a batch of a few hundred long articles.
MAX_BODY_BYTES = 8 * 1024 * 1024
#: Default most articles in one POST /articles.
MAX_BATCH = 1000
#: Default most reads (GET, HEAD) whose handlers run at once; the others wait their turn.
MAX_READS = 4

#: The Content-Security-Policy of every answer. Scripts and styles come only from files of
#: this host: the UI's /static/ files (its pages have no inline script, style or handler), and
#: for /docs Swagger UI's files at /docs-assets/ and its start-up script /docs/init.js (Swagger
#: UI sets styles through the DOM, which the policy allows); ``data:`` images are the icons in
#: Swagger UI's CSS; forms post to this host only; no page may be framed.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

_SECURITY = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", CSP.encode()),
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def create_app(
    index: IndexProtocol,
    *,
    token: str | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    max_batch: int = MAX_BATCH,
    max_reads: int = MAX_READS,
) -> FastAPI:
    """The service over ``index``. With ``token``, writes need ``Authorization: Bearer TOKEN``.
    At most ``max_reads`` read handlers run at once (``ReadGate``). The caller owns the index
    (opens and closes it)."""
    for name, value in (
        ("max_body_bytes", max_body_bytes),
        ("max_batch", max_batch),
        ("max_reads", max_reads),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise invalid_param(name, "create_app", "a positive int", value)
    if token is not None and not token:
        raise invalid_param("token", "create_app", "None or a non-empty string", token)
    app = FastAPI(
        title="newsdedup",
        summary="Copies and stories of news articles, kept up to date as articles arrive.",
        version="1",
        docs_url=None,  # served below with Swagger UI's files from a package, not a CDN
        redoc_url=None,
    )
    app.state.index = index  # the routes take it from here (no module-level state)
    app.state.settings = api.Settings(token=token, max_batch=max_batch)
    app.include_router(api.router)
    app.include_router(ui.router, dependencies=[Depends(_ui_offset)])
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    _handlers(app)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui/")

    _api_docs(app)
    app.add_middleware(BodyGuard, max_body_bytes=max_body_bytes)
    app.add_middleware(ReadGate, limit=max_reads)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)
    return app


def _ui_offset(offset: Annotated[int, Query(ge=0, le=api.MAX_OFFSET)] = 0) -> None:
    """The bounds of the pages' ``offset`` (422 past them, as in the API), for every UI route."""


def _handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(DiffTooLargeError, _too_large)  # type: ignore[arg-type]
    app.add_exception_handler(DiffBusyError, _busy)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _crashed)


# -- /docs ------------------------------------------------------------------------------------

_DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>newsdedup API</title>
<link rel="stylesheet" href="/docs-assets/swagger-ui.css">
<link rel="icon" href="/docs-assets/favicon.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs-assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
"""

#: Swagger UI's start-up, as a file (the CSP allows no inline script); validatorUrl null: the
#: page asks no other host to validate the schema.
_DOCS_INIT = """window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
"""


def _api_docs(app: FastAPI) -> None:
    """/docs: Swagger UI 5 (it reads the OpenAPI 3.1 that FastAPI writes) from the
    fastapi-offline package's files, so a closed network still gets the page."""
    try:
        import fastapi_offline
    except ImportError as exc:
        raise MissingExtraError("fastapi-offline", extra="serve", feature="/docs") from exc
    assets = Path(fastapi_offline.__file__).parent / "static"
    app.mount("/docs-assets", StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(_DOCS_PAGE)

    @app.get("/docs/init.js", include_in_schema=False)
    def docs_init() -> Response:
        return Response(_DOCS_INIT, media_type="text/javascript")


# -- errors -----------------------------------------------------------------------------------


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return JSONResponse(
        {"detail": exc.detail, "errors": []}, status_code=exc.status_code, headers=exc.headers
    )


async def _too_large(request: Request, exc: DiffTooLargeError) -> JSONResponse:
    error = {"field": f"query.{exc.param}", "message": str(exc), "type": "too_large"}
    return JSONResponse({"detail": str(exc), "errors": [error]}, status_code=413)


async def _busy(request: Request, exc: DiffBusyError) -> JSONResponse:
    headers = {"Retry-After": str(max(1, round(exc.retry_after)))}
    return JSONResponse({"detail": str(exc), "errors": []}, status_code=503, headers=headers)


async def _crashed(request: Request, exc: Exception) -> JSONResponse:
    """A bug answers JSON too (the traceback goes to the server's log, not to the client)."""
    detail = "Internal error: the service failed on this request; its log has the details."
    headers = {k.decode(): v.decode() for k, v in _SECURITY}  # answered outside the middleware
    return JSONResponse({"detail": detail, "errors": []}, status_code=500, headers=headers)


async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 naming each bad field (``body[1].published``), or 400 when the body is not JSON."""
    errors = _field_errors(exc.errors(), getattr(exc, "body", None))
    if any(e["type"] == "json_invalid" for e in errors):
        return JSONResponse(
            {"detail": "The request body is not valid JSON.", "errors": errors}, status_code=400
        )
    lines = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:10])
    return JSONResponse({"detail": f"Invalid request: {lines}", "errors": errors}, status_code=422)


def _field_errors(raw: Any, body: Any) -> list[dict[str, Any]]:
    """pydantic's errors with readable field paths; for a body that is one article or a list,
    only the errors of the shape that was sent (not those of the other union branch)."""
    out = []
    for err in raw:
        loc = list(err.get("loc", ()))
        branch = loc[1] if loc[:1] == ["body"] and len(loc) > 1 else None
        if isinstance(branch, str) and "ArticleIn" in branch:
            if branch.startswith("list[") != isinstance(body, list):
                continue
            loc = ["body", *loc[2:]]
        message = err.get("msg", "")
        if err.get("type") == "json_invalid":  # loc is ("body", character position)
            message = f"{err.get('ctx', {}).get('error', message)} at character {loc[-1]}"
            loc = ["body"]
        out.append({"field": _path(loc), "message": message, "type": err.get("type")})
    return out


def _path(loc: list[Any]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# -- middleware -------------------------------------------------------------------------------


class SecurityHeaders:
    """Adds ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` and the
    Content-Security-Policy ``CSP`` to every answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *_SECURITY]}
            await send(message)

        await self.app(scope, receive, with_headers)


class ReadGate:
    """At most ``limit`` GET requests run their handlers at once; the others wait in the event
    loop. Python runs one thread at a time, and a write (POST /articles) gives the interpreter
    up at each of its SQLite calls: behind 16 running reads it waited for it each time, and a
    one-article POST took 150 ms instead of 10. A read holds its slot until its response starts
    (a slow client reading the body holds none)."""

    _slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._slots = weakref.WeakKeyDictionary()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()  # one in a server; a test client may start several
        slots = self._slots.setdefault(loop, asyncio.Semaphore(self.limit))
        await slots.acquire()
        held = True

        def release() -> None:
            nonlocal held
            if held:
                held = False
                slots.release()

        async def started(message: Message) -> None:
            if message["type"] == "http.response.start":
                release()
            await send(message)

        try:
            await self.app(scope, receive, started)
        finally:
            release()


class HeadAsGet:
    """Answers HEAD for every GET route: the GET's status and headers (Content-Length
    included), without the body. FastAPI's routes take only the methods they name."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


class BodyGuard:
    """Refuses oversized request bodies (413) before they are read whole, and POST bodies that
    are not JSON (415): a small ASGI middleware, so the limit holds for streamed bodies too."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        problem = self._check_headers(headers)
        if problem is not None:
            await _refuse(send, *problem)
            return
        await self._guarded(scope, receive, send)

    def _check_headers(self, headers: dict[str, str]) -> tuple[int, str] | None:
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            return 415, f"The body must be JSON (Content-Type: application/json). Got {kind!r}."
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
            return 413, self._too_big()
        return None

    def _too_big(self) -> str:
        return (
            f"The request body is larger than the limit of {self.max_body_bytes:,} bytes. "
            "Send fewer articles per request."
        )

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:  # the app's error handler answers 413
                    raise StarletteHTTPException(413, self._too_big())
            return message

        await self.app(scope, counted, send)


async def _refuse(send: Send, status: int, detail: str) -> None:
    response = JSONResponse({"detail": detail, "errors": []}, status_code=status)
    body = response.body
    await send({"type": "http.response.start", "status": status, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": body})
