"""The brief as one self-contained HTML page: our own CSS, charts as inline SVG, no script and no external file, so
it opens offline, prints, and mails as one attachment. Every stored text is escaped."""

from __future__ import annotations

from datetime import date
from html import escape
from urllib.parse import quote

from .charts import map_svg, network_svg, timeline_svg
from .collect import Brief, Source

CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b2a3a; margin: 0;
       background: #fff; }
main { max-width: 980px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 2px solid #214278; padding-bottom: 3px; }
.meta { color: #55636f; margin: 0 0 12px; }
.figures { display: flex; gap: 14px; flex-wrap: wrap; margin: 12px 0; }
.figure { border: 1px solid #d5dde3; border-radius: 6px; padding: 8px 14px; min-width: 130px; }
.figure b { display: block; font-size: 22px; }
.tables { display: flex; gap: 28px; flex-wrap: wrap; }
table { border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid #eef1f4; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.up { color: #b2182b; } .down { color: #2e7d32; }
svg { width: 100%; height: auto; display: block; }
svg.network { max-width: 640px; margin: 0 auto; }
ol.happenings li, ul.quotes li { margin-bottom: 10px; }
.tag { display: inline-block; font-size: 11px; background: #eef1f4; border-radius: 3px; padding: 0 5px;
       margin-right: 4px; }
blockquote { margin: 2px 0 0; padding-left: 10px; border-left: 3px solid #d5dde3; }
ol.sources { font-size: 12px; color: #33424f; }
ol.sources li { margin-bottom: 6px; }
.empty { color: #77848f; font-style: italic; }
a { color: #214278; }
@media print { main { padding: 0; } h2 { break-after: avoid; } li, tr, svg { break-inside: avoid; } }
"""


def _change(now: int, before: int | None) -> str:
    if before is None:
        return ""
    if before == 0:
        return '<span class="up">new</span>' if now else "–"
    pct = round(100 * (now - before) / before)
    css = "up" if pct > 0 else "down" if pct < 0 else ""
    return f'<span class="{css}">{pct:+d}%</span>'


def _country_name(iso3: str) -> str:
    import pycountry

    found = pycountry.countries.get(alpha_3=iso3) if len(iso3) == 3 else None
    return found.name if found else iso3


def _cite(numbers: list[int] | int) -> str:
    items = [numbers] if isinstance(numbers, int) else numbers
    return " ".join(f'<a class="cite" href="#src-{n}">[{n}]</a>' for n in items)


def _source_link(s: Source) -> str:
    title = escape(s.title)
    url = s.url or ""
    if not url.lower().startswith(("http://", "https://")):
        return f"<b>{title}</b>"
    words = " ".join(s.sentence.split()[:8])
    fragment = f"#:~:text={quote(words, safe='')}" if words else ""
    return f'<a href="{escape(url + fragment)}"><b>{title}</b></a>'


def render_html(brief: Brief, database: str, today: date | None = None) -> str:
    p = brief.period
    filters = []
    if brief.filters.countries:
        filters.append("countries " + ", ".join(escape(c) for c in brief.filters.countries))
    if brief.filters.actor:
        filters.append("actor " + escape(brief.filters.actor))
    countries = len({c for c, _n, _b in brief.by_country})
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
        'img-src data:">'),
        f"<title>Situation brief: {escape(p.label())}</title><style>{CSS}</style></head><body><main>",
        f"<h1>Situation brief: {escape(p.label())}</h1>",
        f'<p class="meta">Generated {escape((today or date.today()).isoformat())} by eventwire from '
        f"{escape(database)}" + (f"; {'; '.join(filters)}" if filters else "")
        + (f". Compared with {escape(brief.previous.label())}." if brief.previous else ".") + "</p>",
        '<div class="figures">',
        f'<div class="figure"><b>{brief.total:,}</b>events {_change(brief.total, brief.previous_total)}</div>',
        f'<div class="figure"><b>{brief.articles:,}</b>articles</div>',
        f'<div class="figure"><b>{countries}</b>countries involved (top {len(brief.by_country)} shown)</div>',
        "</div>",
    ]
    if brief.undated:
        parts.append(f'<p class="meta">{brief.undated:,} matching events come from articles with no publication '
                     "date and belong to no dated period; <code>--since all</code> includes them.</p>")
    if brief.truncated:
        parts.append('<p class="meta">More events matched than a brief reads; the most recent ones were counted.</p>')
    parts.append(_headline_tables(brief))
    parts += ["<h2>Where</h2>", map_svg(brief.places, {c: n for c, n, _b in brief.by_country})]
    parts += [f"<h2>When (events per {escape(brief.timeline_unit)})</h2>",
              timeline_svg(brief.timeline, brief.timeline_unit)]
    parts += ["<h2>Who acts on whom</h2>", network_svg(brief.network)]
    parts += ["<h2>Most reported</h2>", _happenings(brief)]
    parts += ["<h2>Who said what</h2>", _quotes(brief)]
    parts += ["<h2>Sources</h2>", _sources(brief), "</main></body></html>"]
    return "\n".join(parts)


def _headline_tables(brief: Brief) -> str:
    rows = "".join(f"<tr><td>{escape(t)}</td><td class=n>{n}</td><td class=n>{'' if b is None else b}</td>"
                   f"<td class=n>{_change(n, b)}</td></tr>" for t, n, b in brief.by_type)
    by_type = ("<table><tr><th>PLOVER type</th><th>events</th><th>before</th><th>change</th></tr>"
               f"{rows}</table>") if rows else '<p class="empty">No events in this period.</p>'
    rows = "".join(f"<tr><td>{escape(_country_name(c))} <span class=tag>{escape(c)}</span></td><td class=n>{n}</td>"
                   f"<td class=n>{'' if b is None else b}</td><td class=n>{_change(n, b)}</td></tr>"
                   for c, n, b in brief.by_country)
    by_country = ("<table><tr><th>country</th><th>events</th><th>before</th><th>change</th></tr>"
                  f"{rows}</table>") if rows else ""
    rows = "".join(f"<tr><td>{escape(t)}</td><td class=n>{n}</td></tr>" for t, n in brief.by_acled)
    by_acled = f"<table><tr><th>ACLED type</th><th>events</th></tr>{rows}</table>" if rows else ""
    return f'<h2>Headline counts</h2><div class="tables">{by_type}{by_country}{by_acled}</div>'


def _happenings(brief: Brief) -> str:
    if not brief.happenings:
        return '<p class="empty">No events in this period.</p>'
    items = []
    for h in brief.happenings:
        tags = [f'<span class="tag">{escape(h.type)}{" " + escape(h.cameo) if h.cameo else ""}</span>']
        if h.place:
            tags.append(f'<span class="tag">{escape(h.place)}</span>')
        if h.day:
            tags.append(f'<span class="tag">{escape(h.day)}</span>')
        tags += [f'<span class="tag">{escape(c)}</span>' for c in h.countries[:4]]
        told = f"{h.articles} article{'s' if h.articles != 1 else ''}, {h.outlets} outlet{'s' if h.outlets != 1 else ''}"
        items.append(f"<li>{''.join(tags)} <i>{told}</i><blockquote>{escape(h.sentence)} {_cite(h.sources)}"
                     "</blockquote></li>")
    return f'<ol class="happenings">{"".join(items)}</ol>'


def _quotes(brief: Brief) -> str:
    if not brief.quotes:
        return '<p class="empty">No attributed quotes in this period.</p>'
    items = [f'<li><b>{escape(q.speaker)}</b> <span class="tag">{escape(q.kind)}</span>'
             f"<blockquote>“{escape(q.text)}” {_cite(q.source)}</blockquote></li>" for q in brief.quotes]
    return f'<ul class="quotes">{"".join(items)}</ul>'


def _sources(brief: Brief) -> str:
    if not brief.sources:
        return '<p class="empty">Nothing cited.</p>'
    items = []
    for s in brief.sources:
        where = f"characters {s.start}–{s.end}" if s.start is not None and s.end is not None else "sentence"
        meta = ", ".join(escape(x) for x in (s.outlet, (s.published or "")[:10]) if x)
        items.append(f'<li id="src-{s.number}">{_source_link(s)}{" — " + meta if meta else ""}. '
                     f'Article <code>{escape(s.article_id)}</code>, {where}: “{escape(_short(s.sentence))}”</li>')
    return f'<ol class="sources">{"".join(items)}</ol>'


def _short(text: str, most: int = 280) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1] + "…"
