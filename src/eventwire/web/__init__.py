"""The HTTP API and the web page (`eventwire serve`): an optional part, installed with the ``web`` extra.

``create_app(db)`` builds the ASGI application; ``serve(db, host, port)`` runs it with uvicorn.
"""

from __future__ import annotations

import json
import os
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


# With several worker processes, each builds its own application from these options (JSON), set by serve().
_OPTIONS_ENV = "EVENTWIRE_SERVE_OPTIONS"


def serve(db: str | Path, host: str = "127.0.0.1", port: int = 8000, workers: int = 1, **options: Any) -> None:
    """Run the API and page until interrupted, in ``workers`` processes sharing the port (each with its own
    database connections; options must then be plain values, as the command line gives them)."""
    _require()
    import uvicorn

    common: dict[str, Any] = {"host": host, "port": port, "log_level": "warning", "server_header": False}
    if workers == 1:
        uvicorn.run(create_app(db, **options), **common)
        return
    from ..store import open_store

    open_store(db).close()  # migrations once, here, before the workers open their readers
    os.environ[_OPTIONS_ENV] = json.dumps({"db": str(db), **options})
    uvicorn.run("eventwire.web:app_from_environment", factory=True, workers=workers, **common)


def app_from_environment() -> Any:
    """The application of one worker process started by ``serve(..., workers=N)``."""
    options = json.loads(os.environ[_OPTIONS_ENV])
    return create_app(options.pop("db"), **options)


__all__ = ["WEB_EXTRA", "app_from_environment", "create_app", "serve"]
