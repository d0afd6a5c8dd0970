"""Engines run the pipeline over a stream of articles: in this process, or in several worker processes."""

from __future__ import annotations

from .local import annotate_stream

__all__ = ["annotate_stream"]
