"""The application: JSON API, web UI and their guards, around one index passed in (no global
state, so tests and the CLI each build their own app over their own ``Index``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsdedup.errors import invalid_param
from newsdedup.serve import api, ui
from newsdedup.store.contract import IndexProtocol

__all__ = ["create_app"]

#: Default request body limit: a batch of a few hundred long articles.
MAX_BODY_BYTES = 8 * 1024 * 1024
#: Default most articles in one POST /articles.
MAX_BATCH = 1000

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
) -> FastAPI:
    """The service over ``index``. With ``token``, writes need ``Authorization: Bearer TOKEN``.
    The caller owns the index (opens and closes it)."""
    if max_body_bytes < 1:
        raise invalid_param("max_body_bytes", "create_app", "a positive int", max_body_bytes)
    if max_batch < 1:
        raise invalid_param("max_batch", "create_app", "a positive int", max_batch)
    if token is not None and not token:
        raise invalid_param("token", "create_app", "None or a non-empty string", token)
    app = FastAPI(
        title="newsdedup",
        summary="Copies and stories of news articles, kept up to date as articles arrive.",
        version="1",
        docs_url=None,  # served below with Swagger UI's files from the package, not a CDN
    )
    app.state.index = index  # the routes take it from here (no module-level state)
    app.state.settings = api.Settings(token=token, max_batch=max_batch)
    app.include_router(api.router)
    app.include_router(ui.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui/")

    _swagger_docs(app)

    app.add_middleware(BodyGuard, max_body_bytes=max_body_bytes)
    return app


def _swagger_docs(app: FastAPI) -> None:
    """/docs with Swagger UI's files served from the swagger-ui-bundle package: a closed
    network (or a reader offline) still gets the page; FastAPI's default loads them from a CDN."""
    import swagger_ui_bundle
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse

    app.mount(
        "/docs-assets",
        StaticFiles(directory=swagger_ui_bundle.swagger_ui_path),
        name="swagger",
    )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="newsdedup API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return JSONResponse(
        {"detail": exc.detail, "errors": []}, status_code=exc.status_code, headers=exc.headers
    )


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
