"""The HTTP API and the web page (`eventwire serve`): an optional part, installed with the ``web`` extra.

``create_app(db)`` builds the ASGI application; ``serve(db, host, port)`` runs it with uvicorn.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import EventwireError

WEB_EXTRA = "pip install 'eventwire[web]'"


def _require() -> None:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise EventwireError(f"the web server needs the web extra ({exc.name} is missing): {WEB_EXTRA}") from None


def create_app(db: str | Path, **options: Any) -> Any:
    """The Starlette application over database ``db``; options as in ``eventwire.web.app.create_app``."""
    _require()
    from .app import create_app as build

    return build(db, **options)


def serve(db: str | Path, host: str = "127.0.0.1", port: int = 8000, **options: Any) -> None:
    """Run the API and page until interrupted."""
    _require()
    import uvicorn

    uvicorn.run(create_app(db, **options), host=host, port=port, log_level="warning", server_header=False)


__all__ = ["WEB_EXTRA", "create_app", "serve"]
