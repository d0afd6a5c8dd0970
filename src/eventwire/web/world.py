"""The world outline behind the page's map, built from the country shapes that the countryinfo package ships
(Natural Earth 1:110m outlines as GeoJSON, one file per country), so the page needs nothing from the internet.

Coordinates are rounded to 0.01 degree (about 1 km, far below a screen pixel at world scale) to keep it small.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from ..errors import EventwireError
from . import WEB_EXTRA


def _round_ring(ring: list[list[float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for lon, lat, *_ in ring:
        point = [round(lon, 2), round(lat, 2)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def _rounded(geometry: dict[str, Any]) -> dict[str, Any] | None:
    kind = geometry.get("type")
    if kind == "Polygon":
        return {"type": kind, "coordinates": [_round_ring(r) for r in geometry["coordinates"]]}
    if kind == "MultiPolygon":
        return {"type": kind, "coordinates": [[_round_ring(r) for r in poly] for poly in geometry["coordinates"]]}
    return None


@cache
def world_geojson() -> bytes:
    """A GeoJSON FeatureCollection of country outlines; each feature's id is the ISO 3166-1 alpha-3 code."""
    try:
        folder = resources.files("countryinfo").joinpath("data")
    except ModuleNotFoundError:
        raise EventwireError(f"the map's world outline needs the countryinfo package: {WEB_EXTRA}") from None
    features: dict[str, dict[str, Any]] = {}
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".json"):
            continue
        data = json.loads(item.read_text(encoding="utf-8"))
        shape = data.get("geoJSON") or {}
        for feature in shape.get("features", []):
            geometry = _rounded(feature.get("geometry") or {})
            code = feature.get("id") or (data.get("ISO") or {}).get("alpha3")
            if geometry is None or not isinstance(code, str) or code in features:
                continue
            name = (feature.get("properties") or {}).get("name") or data.get("name")
            features[code] = {"type": "Feature", "id": code, "properties": {"name": name}, "geometry": geometry}
    collection = {"type": "FeatureCollection", "features": list(features.values())}
    return json.dumps(collection, separators=(",", ":")).encode()
