// eventwire's page: map, timeline, actor network, event table and article view, all drawn from the JSON API.
// Article text and every name in it are untrusted: the DOM is built with text nodes and attributes only, never
// innerHTML, so markup inside the data is shown as text.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const FILTERS = ["type", "quad_class", "acled_type", "acled_sub_type", "country", "sector", "actor", "place", "since",
  "until", "q"];
const TYPES = ["ACCUSE", "AGREE", "AID", "ASSAULT", "COERCE", "CONCEDE", "CONSULT", "COOPERATE", "DEMAND",
  "DISAPPROVE", "MOBILIZE", "PROTEST", "REJECT", "REQUEST", "RETREAT", "SANCTION", "SUPPORT", "THREATEN"];
// ACLED's event types and their sub-event types, as in src/eventwire/data/acled/categories.tsv (a test compares them).
const ACLED = {
  "Battles": [
    "Armed clash",
    "Government regains territory",
    "Non-state actor overtakes territory",
  ],
  "Explosions/Remote violence": [
    "Chemical weapon",
    "Air/drone strike",
    "Suicide bomb",
    "Shelling/artillery/missile attack",
    "Remote explosive/landmine/IED",
    "Grenade",
  ],
  "Violence against civilians": [
    "Sexual violence",
    "Attack",
    "Abduction/forced disappearance",
  ],
  "Protests": [
    "Peaceful protest",
    "Protest with intervention",
    "Excessive force against protesters",
  ],
  "Riots": [
    "Violent demonstration",
    "Mob violence",
  ],
  "Strategic developments": [
    "Agreement",
    "Arrests",
    "Change to group/activity",
    "Disrupted weapons use",
    "Headquarters or base established",
    "Looting/property destruction",
    "Non-violent transfer of territory",
    "Other",
  ],
};
const QUAD_NAMES = { 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict" };
const QUAD_COLOURS = { 1: "#2b7bb9", 2: "#1a9850", 3: "#f0a04b", 4: "#d73027" };
const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
  "#9c755f", "#bab0ac", "#1f77b4", "#aec7e8", "#98df8a", "#c5b0d5", "#8c564b", "#17becf", "#bcbd22", "#7f7f7f"];

// Map points and the network are drawn from this many most recent matching events: enough to show who and where,
// and quick on millions of events (the country shading and the timeline count every event).
const RECENT = 5000;

const state = { filters: {}, next: null, world: null, selectedEvent: null };

// -- small helpers ------------------------------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c ?? "")));
  return node;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

function titled(node, text) {
  node.append(svg("title", {}, text));
  return node;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

function query(extra, omit) {
  const params = new URLSearchParams();
  for (const k of FILTERS) {
    if (omit && omit.includes(k)) continue;
    const v = state.filters[k];
    if (v) params.set(k, v);
  }
  for (const [k, v] of Object.entries(extra || {})) params.set(k, v);
  const s = params.toString();
  return s ? "?" + s : "";
}

async function api(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
  return body;
}

function status(text) {
  document.getElementById("status").textContent = text;
}

function actorLabel(actors) {
  return (actors || []).map((a) => a.name || a.text || a.code || "").join(", ");
}

function typeColour(key, keys) {
  const i = keys.indexOf(key);
  return PALETTE[(i < 0 ? keys.length : i) % PALETTE.length];
}

// -- filters (kept in the address, so a view can be shared) ---------------------------------------------------------

function readForm() {
  const form = document.getElementById("filters");
  const f = {};
  for (const k of FILTERS) {
    const v = form.elements[k].value.trim();
    if (v) f[k] = v;
  }
  return f;
}

function writeForm() {
  const form = document.getElementById("filters");
  for (const k of FILTERS) form.elements[k].value = state.filters[k] || "";
}

function setFilters(f) {
  state.filters = f;
  writeForm();
  const qs = query();
  history.replaceState(null, "", qs ? "#" + qs.slice(1) : location.pathname);
  return refresh();
}

function filtersFromHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const f = {};
  for (const k of FILTERS) if (params.get(k)) f[k] = params.get(k);
  return f;
}

// -- timeline (brushable) ---------------------------------------------------------------------------------------------

async function drawTimeline() {
  const by = document.getElementById("timeline-by").value;
  const base = query({ by, interval: "month" }, ["since", "until"]);
  let data = await api("/stats" + base);
  let interval = "month";
  const months = new Set(data.rows.map((r) => r.period));
  if (months.size <= 3) {
    data = await api("/stats" + query({ by, interval: "day" }, ["since", "until"]));
    interval = "day";
  }
  const box = document.getElementById("timeline");
  clear(box);
  const periods = continuous([...new Set(data.rows.map((r) => r.period).filter(Boolean))].sort(), interval);
  const keys = [...new Set(data.rows.map((r) => r.key))].sort();
  if (!periods.length) {
    box.append(svg("text", { x: 20, y: 90, class: "empty" }, "No dated events match these filters."));
    drawLegend(keys, by);
    return;
  }
  const totals = {};
  for (const r of data.rows) totals[r.period] = (totals[r.period] || 0) + r.count;
  const max = Math.max(...Object.values(totals));
  const W = 1000, H = 180, left = 40, bottom = 20, top = 8;
  const bw = (W - left) / periods.length;
  const y = (v) => ((H - bottom - top) * v) / max;
  box.append(svg("text", { x: 2, y: top + 10, class: "axis" }, max));
  const stacked = {};
  for (const r of data.rows) {
    if (!r.period) continue;
    const i = periods.indexOf(r.period);
    const below = stacked[r.period] || 0;
    stacked[r.period] = below + r.count;
    const colour = by === "quad_class" ? QUAD_COLOURS[r.key] || "#999" : typeColour(r.key, keys);
    const rect = svg("rect", { x: left + i * bw + 0.5, width: Math.max(bw - 1, 0.5), y: H - bottom - y(below + r.count),
      height: Math.max(y(r.count), 0.5), fill: colour });
    box.append(titled(rect, `${r.period} ${by === "quad_class" ? QUAD_NAMES[r.key] || "unknown" : r.key || "unknown"}: ${r.count}`));
  }
  const step = Math.max(1, Math.ceil(periods.length / 8));
  periods.forEach((p, i) => {
    if (i % step === 0) box.append(svg("text", { x: left + i * bw + 2, y: H - 5, class: "axis" }, p));
  });
  drawLegend(keys, by);
  setupBrush(box, periods, interval, left, bw, H - bottom);
}

// Every day or month from the first period to the last, so that a quiet stretch shows as a gap on the axis.
function continuous(periods, interval) {
  if (periods.length < 2) return periods;
  const out = [];
  const last = periods[periods.length - 1];
  const d = new Date(periods[0] + (interval === "day" ? "T00:00:00Z" : "-01T00:00:00Z"));
  for (let p = periods[0]; p <= last && out.length < 5000;) {
    out.push(p);
    if (interval === "day") d.setUTCDate(d.getUTCDate() + 1);
    else d.setUTCMonth(d.getUTCMonth() + 1);
    p = d.toISOString().slice(0, interval === "day" ? 10 : 7);
  }
  return out;
}

function drawLegend(keys, by) {
  const legend = document.getElementById("timeline-legend");
  clear(legend);
  for (const k of keys) {
    const colour = by === "quad_class" ? QUAD_COLOURS[k] || "#999" : typeColour(k, keys);
    const swatch = el("i");
    swatch.style.background = colour;
    legend.append(el("span", {}, swatch, by === "quad_class" ? `${k} ${QUAD_NAMES[k] || ""}` : k ?? "unknown"));
  }
}

function periodBounds(period, interval) {
  if (interval === "day") return [period, period];
  const [y, m] = period.split("-").map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return [`${period}-01`, `${period}-${String(last).padStart(2, "0")}`];
}

function setupBrush(box, periods, interval, left, bw, height) {
  const since = state.filters.since, until = state.filters.until;
  const rect = svg("rect", { class: "brush", y: 0, height, x: 0, width: 0 });
  box.append(rect);
  const index = (p) => periods.findIndex((x) => periodBounds(x, interval)[1] >= p);
  if (since || until) {
    const a = since ? Math.max(index(since), 0) : 0;
    const b = until ? (index(until) < 0 ? periods.length - 1 : index(until)) : periods.length - 1;
    rect.setAttribute("x", left + a * bw);
    rect.setAttribute("width", Math.max((b - a + 1) * bw, 2));
  }
  let start = null;
  const toX = (evt) => {
    const r = box.getBoundingClientRect();
    return ((evt.clientX - r.left) / r.width) * 1000;
  };
  const toIndex = (x) => Math.min(periods.length - 1, Math.max(0, Math.floor((x - left) / bw)));
  box.onpointerdown = (evt) => {
    start = toX(evt);
    box.setPointerCapture(evt.pointerId);
    rect.setAttribute("x", start);
    rect.setAttribute("width", 0);
  };
  box.onpointermove = (evt) => {
    if (start === null) return;
    const x = toX(evt);
    rect.setAttribute("x", Math.min(start, x));
    rect.setAttribute("width", Math.abs(x - start));
  };
  box.onpointerup = (evt) => {
    if (start === null) return;
    const x = toX(evt);
    const a = toIndex(Math.min(start, x)), b = toIndex(Math.max(start, x));
    const moved = Math.abs(x - start) > 3;
    start = null;
    const f = { ...state.filters };
    if (moved) {
      f.since = periodBounds(periods[a], interval)[0];
      f.until = periodBounds(periods[b], interval)[1];
    } else {
      delete f.since;
      delete f.until;
    }
    setFilters(f);
  };
}

// -- map --------------------------------------------------------------------------------------------------------------

const MAP_W = 1000, MAP_H = 430, LAT_TOP = 84, LAT_BOTTOM = -58;

function project(lon, lat) {
  return [((lon + 180) / 360) * MAP_W, ((LAT_TOP - lat) / (LAT_TOP - LAT_BOTTOM)) * MAP_H];
}

function ringPath(ring) {
  const parts = new Array(ring.length);
  for (let i = 0; i < ring.length; i++) {
    const [x, y] = project(ring[i][0], ring[i][1]);
    parts[i] = (i ? "L" : "M") + Math.round(x * 10) / 10 + "," + Math.round(y * 10) / 10;
  }
  return parts.join("") + "Z";
}

function geometryPath(g) {
  const polys = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
  return polys.map((poly) => poly.map(ringPath).join("")).join("");
}

function loadWorld() {
  // Fetched once, while the counts are fetched; paths are projected once and kept.
  if (!state.world) {
    state.world = fetch("/world.geojson").then((r) => r.json()).then((geo) =>
      geo.features.map((f) => ({ id: f.id, name: f.properties.name, d: geometryPath(f.geometry) })));
  }
  return state.world;
}

async function drawMap() {
  const [world, countries, places] = await Promise.all([
    loadWorld(),
    api("/stats" + query({ interval: "all", by: "country" })),
    api("/stats" + query({ interval: "all", by: "place", _size: 400, window: RECENT })),
  ]);
  const counts = {};
  for (const r of countries.rows) if (r.key) counts[r.key] = r.count;
  const max = Math.max(1, ...Object.values(counts));
  const box = document.getElementById("map");
  clear(box);
  box.append(svg("rect", { class: "ocean", x: 0, y: 0, width: MAP_W, height: MAP_H }));
  for (const c of world) {
    const n = counts[c.id] || 0;
    const path = svg("path", { class: "country", d: c.d, "data-country": c.id });
    if (n) path.style.fill = `rgba(58, 110, 165, ${0.15 + 0.85 * (Math.log(n + 1) / Math.log(max + 1))})`;
    path.addEventListener("click", () => setFilters({ ...state.filters, country: c.id }));
    box.append(titled(path, `${c.name} (${c.id}): ${n} events`));
  }
  const biggest = Math.max(1, ...places.rows.map((r) => r.count));
  for (const p of places.rows) {
    if (p.lat === null || p.lon === null) continue;
    const [x, y] = project(p.lon, p.lat);
    const circle = svg("circle", { class: "point", cx: x.toFixed(1), cy: y.toFixed(1), r: (2 + 10 * Math.sqrt(p.count / biggest)).toFixed(1) });
    circle.addEventListener("click", () => { if (p.key) setFilters({ ...state.filters, place: p.key }); });
    box.append(titled(circle, `${p.key || "?"} (${p.country || "?"}): ${p.count} events`));
  }
}

// -- actor network ----------------------------------------------------------------------------------------------------

async function drawNetwork() {
  const data = await api("/network" + query({ _size: 60, window: RECENT }));
  const box = document.getElementById("network");
  clear(box);
  const degree = {};
  for (const e of data.rows) {
    degree[e.source] = (degree[e.source] || 0) + e.events;
    degree[e.target] = (degree[e.target] || 0) + e.events;
  }
  const nodes = Object.keys(degree).sort((a, b) => degree[b] - degree[a]).slice(0, 18);
  if (!nodes.length) {
    box.append(svg("text", { x: 20, y: 60, class: "empty" }, "No events with a source and a target match."));
    return;
  }
  const cx = 300, cy = 215, r = 150;
  const pos = {};
  nodes.forEach((n, i) => {
    const a = (2 * Math.PI * i) / nodes.length - Math.PI / 2;
    pos[n] = [cx + r * Math.cos(a), cy + r * Math.sin(a), a];
  });
  const heaviest = Math.max(1, ...data.rows.map((e) => e.events));
  for (const e of data.rows) {
    if (!pos[e.source] || !pos[e.target]) continue;
    const [x1, y1] = pos[e.source], [x2, y2] = pos[e.target];
    const kind = e.conflict > e.cooperation ? "conflict" : "coop";
    const d = e.source === e.target
      ? `M${x1},${y1} c 30,-30 30,30 0,0`
      : `M${x1.toFixed(1)},${y1.toFixed(1)} Q${cx},${cy} ${x2.toFixed(1)},${y2.toFixed(1)}`;
    const path = svg("path", { class: `edge ${kind}`, d, "stroke-width": (1 + 5 * (e.events / heaviest)).toFixed(1) });
    box.append(titled(path, `${e.source} → ${e.target}: ${e.cooperation} cooperation, ${e.conflict} conflict`));
  }
  for (const n of nodes) {
    const [x, y, a] = pos[n];
    const g = svg("g", { class: "node" });
    const circle = svg("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 5 });
    circle.addEventListener("click", () => setFilters({ ...state.filters, actor: n }));
    g.append(titled(circle, `${n}: ${degree[n]} events`));
    const right = Math.cos(a) >= 0;
    const label = n.length > 22 ? n.slice(0, 21) + "…" : n;
    g.append(svg("text", { x: (x + (right ? 8 : -8)).toFixed(1), y: (y + 4).toFixed(1), "text-anchor": right ? "start" : "end" }, label));
    box.append(g);
  }
}

// -- event table ------------------------------------------------------------------------------------------------------

async function drawTable(append) {
  const url = append && state.next ? state.next : "/events" + query({ _size: 25 });
  const data = await api(url);
  const body = document.querySelector("#events tbody");
  if (!append) clear(body);
  for (const e of data.rows) {
    const place = e.place ? e.place.name || e.place.text : "";
    // data-label names each cell for the phone layout, where a row becomes a small card.
    const row = el("tr", { "data-id": e.id },
      el("td", { "data-label": "Date", class: "nowrap" }, e.date || ""),
      el("td", { "data-label": "Type", class: "nowrap q" + (e.quad_class || "") }, e.type),
      el("td", { "data-label": "ACLED", title: e.acled_type || "" }, e.acled_sub_type || ""),
      el("td", { "data-label": "Source" }, actorLabel(e.source)),
      el("td", { "data-label": "Target" }, actorLabel(e.target)),
      el("td", { "data-label": "Place" }, place || ""),
      el("td", { "data-label": "Trigger" }, e.trigger.text || ""));
    row.addEventListener("click", () => showArticle(e.article.id, e.id, row));
    body.append(row);
  }
  state.next = data.next_url;
  document.getElementById("more").hidden = !data.next_url;
  document.getElementById("table-count").textContent = body.rows.length ? `${body.rows.length} shown${data.next_url ? ", more below" : ""}` : "none match";
  document.getElementById("csv-link").setAttribute("href", "/events.csv" + query({ _size: 1000 }));
}

// -- article view ---------------------------------------------------------------------------------------------------

async function showArticle(articleId, eventId, row) {
  for (const r of document.querySelectorAll("#events tr.selected")) r.classList.remove("selected");
  if (row) row.classList.add("selected");
  const article = await api("/articles/" + encodeURIComponent(articleId));
  const panel = document.getElementById("article-panel");
  panel.hidden = false;
  document.getElementById("article-title").textContent = article.title || "(no title)";
  const meta = document.getElementById("article-meta");
  clear(meta);
  meta.append(`${article.source || ""} ${article.published || ""} `);
  if (article.url && /^https?:\/\//i.test(article.url)) {
    meta.append(el("a", { href: article.url, rel: "noopener noreferrer nofollow", target: "_blank" }, "original"));
  }
  const buttons = document.getElementById("article-events");
  clear(buttons);
  for (const e of article.events) {
    const b = el("button", { type: "button", "data-id": e.id }, `${e.type}: ${actorLabel(e.source) || "?"} → ${actorLabel(e.target) || "?"}`);
    b.addEventListener("click", () => highlight(article, e.id));
    buttons.append(b);
  }
  highlight(article, eventId || (article.events[0] && article.events[0].id));
  panel.scrollIntoView({ behavior: "smooth", block: "start" });
}

function overlaps(span, lo, hi) {
  return span && span.start !== null && span.end !== null && span.start < hi && span.end > lo;
}

// The spans behind one event, as (start, end, class) on the body text: its actors, trigger, place and sentence,
// and the dates and quotes written in that sentence.
function eventSpans(article, event) {
  const spans = [];
  const body = (s) => !s.field || s.field === "text";
  const sentence = event.sentence;
  if (sentence && body(sentence)) spans.push([sentence.start, sentence.end, "hl-sentence"]);
  for (const a of [...event.source, ...event.target]) {
    if (a.start !== null && a.end !== null && body(event.trigger)) spans.push([a.start, a.end, "hl-actor"]);
  }
  if (event.trigger && body(event.trigger)) spans.push([event.trigger.start, event.trigger.end, "hl-trigger"]);
  if (event.place && event.place.start !== null && body(event.trigger)) spans.push([event.place.start, event.place.end, "hl-place"]);
  const lo = sentence ? sentence.start : 0, hi = sentence ? sentence.end : article.text.length;
  for (const d of article.dates) if (overlaps(d, lo, hi)) spans.push([d.start, d.end, "hl-date"]);
  for (const q of article.quotes) {
    const speaks = q.speaker && [...event.source, ...event.target].some((a) => a.name && a.name === q.speaker.name);
    if (overlaps(q, lo, hi) || speaks) spans.push([q.start, q.end, "hl-quote"]);
  }
  return spans.filter(([s, e]) => Number.isInteger(s) && Number.isInteger(e) && e > s && s >= 0);
}

function highlight(article, eventId) {
  for (const b of document.querySelectorAll("#article-events button")) b.classList.toggle("active", b.dataset.id === eventId);
  const event = article.events.find((e) => e.id === eventId);
  const text = article.text;
  const spans = event ? eventSpans(article, event) : [];
  // Cut the text at every span boundary; each piece carries the classes of the spans covering it.
  const cuts = new Set([0, text.length]);
  for (const [s, e] of spans) { cuts.add(Math.min(s, text.length)); cuts.add(Math.min(e, text.length)); }
  const points = [...cuts].sort((a, b) => a - b);
  const out = document.getElementById("article-text");
  clear(out);
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    const piece = text.slice(a, b);
    const classes = [...new Set(spans.filter(([s, e]) => s <= a && e >= b).map(([, , c]) => c))];
    out.append(classes.length ? el("span", { class: classes.join(" ") }, piece) : document.createTextNode(piece));
  }
}

// -- wiring -----------------------------------------------------------------------------------------------------------

async function refresh() {
  status("Loading…");
  const started = performance.now();
  try {
    await Promise.all([drawTimeline(), drawMap(), drawNetwork(), drawTable(false)]);
    status(`Updated in ${Math.round(performance.now() - started)} ms.`);
  } catch (err) {
    status("Error: " + err.message);
  }
}

async function start() {
  const select = document.getElementById("f-type");
  for (const t of TYPES) select.append(el("option", { value: t }, t));
  const acledType = document.getElementById("f-acled-type");
  const acledSub = document.getElementById("f-acled-sub");
  for (const [t, subs] of Object.entries(ACLED)) {
    acledType.append(el("option", { value: t }, t));
    acledSub.append(el("optgroup", { label: t }, ...subs.map((s) => el("option", { value: s }, s))));
  }
  const form = document.getElementById("filters");
  form.addEventListener("submit", (evt) => { evt.preventDefault(); setFilters(readForm()); });
  document.getElementById("reset").addEventListener("click", () => setFilters({}));
  document.getElementById("timeline-by").addEventListener("change", () => drawTimeline().catch((e) => status("Error: " + e.message)));
  document.getElementById("more").addEventListener("click", () => drawTable(true).catch((e) => status("Error: " + e.message)));
  state.filters = filtersFromHash();
  writeForm();
  await refresh();
  // The first render is complete: marks read by the tests and the benchmark.
  window.eventwireReadyMs = performance.now();
  document.body.dataset.ready = "1";
}

start();
