"""The brief's charts as inline SVG (no script, no external file): a map of event places over country outlines, a
timeline of events by quad class, and the actor network. Every text is escaped; every layout is deterministic."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from html import escape
from typing import Any

from ..errors import EventwireError

# PLOVER quad classes: unknown, verbal cooperation, material cooperation, verbal conflict, material conflict.
QUAD_COLOURS = ("#9e9e9e", "#7fb77e", "#2e7d32", "#ef8a62", "#b2182b")
QUAD_NAMES = ("other", "verbal cooperation", "material cooperation", "verbal conflict", "material conflict")
MAP_WIDTH, MAP_HEIGHT = 960, 480


def _outline() -> list[dict[str, Any]]:
    try:
        from ..web.world import world_geojson

        return list(json.loads(world_geojson())["features"])
    except (EventwireError, ImportError):  # the web extra's country outlines are optional here
        return []


def _xy(lon: float, lat: float) -> tuple[float, float]:
    return (lon + 180) / 360 * MAP_WIDTH, (90 - lat) / 180 * MAP_HEIGHT


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry.get("type") == "Polygon":
        return list(geometry.get("coordinates") or [])
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in geometry.get("coordinates") or [] for ring in polygon]
    return []


def _path(rings: list[list[list[float]]]) -> str:
    parts = []
    for ring in rings:
        points = [_xy(p[0], p[1]) for p in ring if len(p) >= 2]
        if len(points) > 2:
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


def _view(points: Sequence[tuple[float, float]]) -> tuple[float, float, float, float]:
    """The map window around the points (lon/lat padded, 2:1 like the projection), in SVG units."""
    if not points:
        return 0.0, 0.0, float(MAP_WIDTH), float(MAP_HEIGHT)
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    west, east = min(lons) - 8, max(lons) + 8
    south, north = min(lats) - 6, max(lats) + 6
    width = max(east - west, 2 * (north - south), 30.0)
    height = width / 2
    mid_lon, mid_lat = (west + east) / 2, (south + north) / 2
    west, north = mid_lon - width / 2, mid_lat + height / 2
    west = min(max(west, -180.0), 180.0 - min(width, 360.0))
    north = max(min(north, 90.0), -90.0 + min(height, 180.0))
    x, y = _xy(west, north)
    return x, y, min(width, 360.0) / 360 * MAP_WIDTH, min(height, 180.0) / 180 * MAP_HEIGHT


def map_svg(places: Sequence[tuple[str, str | None, float, float, int]], shaded: dict[str, int]) -> str:
    """Event places as circles sized by their count, over country outlines shaded by the countries' counts."""
    vx, vy, vw, vh = _view([(lon, lat) for _name, _c, lat, lon, _n in places])
    scale = vw / MAP_WIDTH
    most = max(shaded.values(), default=1) or 1
    out = [(f'<svg class="map" role="img" aria-label="Map of event places" viewBox="{vx:.1f} {vy:.1f} {vw:.1f} '
           f'{vh:.1f}" xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">'),
           f'<rect x="{vx:.1f}" y="{vy:.1f}" width="{vw:.1f}" height="{vh:.1f}" fill="#eaf2f8"/>']
    for feature in _outline():
        code = str(feature.get("id") or "")
        d = _path(_rings(feature.get("geometry") or {}))
        if not d:
            continue
        n = shaded.get(code, 0)
        fill = f"rgba(178,24,43,{0.12 + 0.5 * n / most:.2f})" if n else "#fdfdfb"
        name = escape(str((feature.get("properties") or {}).get("name") or code))
        out.append(f'<path d="{d}" fill="{fill}" stroke="#9aa5ad" stroke-width="0.6" '
                   f'vector-effect="non-scaling-stroke" data-country="{escape(code)}">'
                   f'<title>{name}: {n} events</title></path>')
    biggest = max((n for *_rest, n in places), default=1)
    for i, (name, country, lat, lon, n) in enumerate(places):
        x, y = _xy(lon, lat)
        r = (3 + 10 * math.sqrt(n / biggest)) * scale
        out.append(f'<circle class="place" cx="{x:.2f}" cy="{y:.2f}" r="{r:.2f}" fill="rgba(33,66,120,0.55)" '
                   f'stroke="#fff" stroke-width="1" vector-effect="non-scaling-stroke" '
                   f'data-country="{escape(country or "")}"><title>{escape(name)} ({escape(country or "?")}): '
                   f'{n} events</title></circle>')
        if i < 8:
            out.append(f'<text x="{x + r + 2 * scale:.2f}" y="{y + 4 * scale:.2f}" font-size="{12 * scale:.2f}" '
                       f'fill="#1b2a3a">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)


def timeline_svg(buckets: Sequence[tuple[str, Sequence[int]]], unit: str) -> str:
    """Bars per day, week or month, stacked by quad class."""
    width, height, left, bottom = 900, 220, 40, 40
    if not buckets:
        return '<p class="empty">No dated events in this period.</p>'
    most = max(sum(counts) for _k, counts in buckets) or 1
    step = (width - left) / len(buckets)
    bar = min(max(step * 0.8, 1.0), 48.0)
    out = [(f'<svg class="timeline" role="img" aria-label="Events per {escape(unit)}" viewBox="0 0 {width} {height}" '
           f'xmlns="http://www.w3.org/2000/svg">'),
           f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#555"/>',
           f'<text x="{left - 6}" y="14" font-size="11" text-anchor="end">{most}</text>',
           f'<text x="{left - 6}" y="{height - bottom}" font-size="11" text-anchor="end">0</text>']
    label_every = max(1, math.ceil(len(buckets) / 12))
    for i, (key, counts) in enumerate(buckets):
        x = left + i * step + (step - bar) / 2
        y = float(height - bottom)
        for quad in (4, 3, 2, 1, 0):
            n = counts[quad] if quad < len(counts) else 0
            if not n:
                continue
            h = n / most * (height - bottom - 20)
            y -= h
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                       f'fill="{QUAD_COLOURS[quad]}"><title>{escape(key)}: {n} {QUAD_NAMES[quad]}</title></rect>')
        if i % label_every == 0:
            out.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 14}" font-size="10" '
                       f'text-anchor="middle">{escape(key)}</text>')
    for quad in (1, 2, 3, 4):
        lx = left + (quad - 1) * 170
        out.append(f'<rect x="{lx}" y="{height - 14}" width="10" height="10" fill="{QUAD_COLOURS[quad]}"/>'
                   f'<text x="{lx + 14}" y="{height - 5}" font-size="11">{QUAD_NAMES[quad]}</text>')
    out.append("</svg>")
    return "".join(out)


def network_svg(edges: Sequence[tuple[str, str, int, int]], most_nodes: int = 20) -> str:
    """The busiest actors on a circle, one line per pair: green for cooperation, red for conflict."""
    if not edges:
        return '<p class="empty">No events with both a source and a target actor in this period.</p>'
    degree: dict[str, int] = {}
    for s, t, coop, conflict in edges:
        for name in (s, t):
            degree[name] = degree.get(name, 0) + coop + conflict
    nodes = [n for n, _d in sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))[:most_nodes]]
    size, radius = 640, 220
    centre = size / 2
    where = {}
    for i, name in enumerate(nodes):
        angle = 2 * math.pi * i / len(nodes) - math.pi / 2
        where[name] = (centre + radius * math.cos(angle), centre + radius * math.sin(angle), angle)
    busiest = max(coop + conflict for _s, _t, coop, conflict in edges) or 1
    out = [(f'<svg class="network" role="img" aria-label="Actor network" viewBox="0 0 {size} {size}" '
           f'xmlns="http://www.w3.org/2000/svg">')]
    for s, t, coop, conflict in edges:
        if s not in where or t not in where:
            continue
        (x1, y1, _a), (x2, y2, _b) = where[s], where[t]
        colour = QUAD_COLOURS[4] if conflict > coop else QUAD_COLOURS[2]
        w = 1 + 5 * (coop + conflict) / busiest
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
                   f'stroke-width="{w:.1f}" stroke-opacity="0.7"><title>{escape(s)} → {escape(t)}: {coop} '
                   f'cooperation, {conflict} conflict</title></line>')
    for name in nodes:
        x, y, angle = where[name]
        anchor = "start" if math.cos(angle) > 0.1 else "end" if math.cos(angle) < -0.1 else "middle"
        lx, ly = x + 10 * math.cos(angle), y + 10 * math.sin(angle) + 4
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{4 + 6 * math.sqrt(degree[name] / max(degree.values())):.1f}" '
                   f'fill="#214278"/><text x="{lx:.1f}" y="{ly:.1f}" font-size="12" text-anchor="{anchor}">'
                   f'{escape(_short(name))}</text>')
    out.append("</svg>")
    return "".join(out)


def _short(name: str, most: int = 28) -> str:
    return name if len(name) <= most else name[: most - 1] + "…"
