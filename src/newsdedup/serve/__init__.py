"""The HTTP service and web UI over a living index (``newsdedup serve``; the ``serve`` extra).

``create_app(index)`` builds the FastAPI app; see docs/service.md."""

from __future__ import annotations

from newsdedup.serve.app import MAX_BATCH, MAX_BODY_BYTES, MAX_READS, create_app

__all__ = ["MAX_BATCH", "MAX_BODY_BYTES", "MAX_READS", "create_app"]
