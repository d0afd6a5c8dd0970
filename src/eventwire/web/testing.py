"""Helpers for testing and benchmarking the web part: a small invented database (including hostile article text),
the server on 127.0.0.1 in a background thread or as
``eventwire serve --workers N`` processes, and Debian's headless Chromium driven by Playwright.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..records import Actor, Article, Document, Event, Mention, Place, Quote, Span, TimeRef
from ..store import open_store

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]

# Markup that must stay text wherever it is shown.
HOSTILE_TITLE = "<script>window.__pwned=1;alert('title')</script> Border talks"
HOSTILE_NAME = '"><img src=x id=injected-name onerror="window.__pwned=1;alert(1)">'
HOSTILE_PLACE = "<svg onload=alert(3) id=injected-place>"


def _span(text: str, part: str, start_at: int = 0) -> Span:
    start = text.index(part, start_at)
    return Span(start, start + len(part), part)


def _actor(text: str, part: str, name: str, country: str, sector: str) -> Actor:
    s = _span(text, part)
    return Actor(part, name, country, sector, country + sector, s.start, s.end)


def _place(text: str, part: str, name: str, country: str, lat: float, lon: float) -> Place:
    s = _span(text, part)
    return Place(part, s.start, s.end, name, country, None, lat, lon, None, "P")


def sample_documents() -> list[Document]:
    """Four invented articles: fighting in Goma, an aid agreement in Paris, a protest in Nairobi, and one whose
    title, body, actor and place carry markup meant to run in a browser."""
    docs: list[Document] = []

    t1 = ("Government troops attacked rebel positions near Goma on Tuesday, the army said. "
          "\"We will not retreat,\" a rebel commander told reporters in Goma.")
    army = _actor(t1, "Government troops", "Congolese Army", "COD", "MIL")
    rebels = _actor(t1, "rebel positions", "M23 Rebels", "COD", "REB")
    goma = _place(t1, "Goma", "Goma", "COD", -1.68, 29.22)
    tuesday = _span(t1, "Tuesday")
    quote_span = _span(t1, "We will not retreat,")
    commander = _actor(t1, "a rebel commander", "M23 Rebels", "COD", "REB")
    docs.append(Document(
        article=Article("art-goma", t1, "Fighting near Goma", "2024-03-05", "https://news.example/goma", "Wire"),
        entities=(Mention("Goma", "GPE", goma.start, goma.end),),
        actors=(army, rebels, commander),
        events=(Event("ASSAULT", _span(t1, t1[: t1.index(".") + 1]), _span(t1, "attacked"), mode="firearms",
                      cameo="190", quad_class=4, source=(army,), target=(rebels,), date="2024-03-05",
                      date_precision="day", place=goma, acled_type="Battles", acled_sub_type="Armed clash"),),
        places=(goma,),
        dates=(TimeRef("Tuesday", tuesday.start, tuesday.end, "2024-03-05", "day"),),
        quotes=(Quote(quote_span.text, quote_span.start, quote_span.end, "direct", "told", commander,
                      *_cue(t1, "told")),),
    ))

    t2 = "Leaders of France and Germany agreed to a new aid plan in Paris on Monday."
    fra = _actor(t2, "France", "France", "FRA", "GOV")
    deu = _actor(t2, "Germany", "Germany", "DEU", "GOV")
    paris = _place(t2, "Paris", "Paris", "FRA", 48.86, 2.35)
    monday = _span(t2, "Monday")
    docs.append(Document(
        article=Article("art-paris", t2, "Aid plan agreed", "2024-02-12", "https://news.example/paris", "Daily"),
        actors=(fra, deu),
        events=(Event("AGREE", _span(t2, t2), _span(t2, "agreed"), cameo="057", quad_class=1, source=(fra,),
                      target=(deu,), date="2024-02-12", date_precision="day", place=paris),),
        places=(paris,),
        dates=(TimeRef("Monday", monday.start, monday.end, "2024-02-12", "day"),),
    ))

    t3 = "Students protested against fuel prices in Nairobi, and police dispersed the crowd."
    students = _actor(t3, "Students", "Kenyan Students", "KEN", "CVL")
    police = _actor(t3, "police", "Kenyan Police", "KEN", "COP")
    nairobi = _place(t3, "Nairobi", "Nairobi", "KEN", -1.29, 36.82)
    docs.append(Document(
        article=Article("art-nairobi", t3, "Fuel protest", "2024-01-20", "https://news.example/nairobi", "Herald"),
        actors=(students, police),
        events=(
            Event("PROTEST", _span(t3, t3), _span(t3, "protested"), quad_class=3, source=(students,),
                  date="2024-01-20", date_precision="day", place=nairobi, acled_type="Protests",
                  acled_sub_type="Peaceful protest"),
            Event("COERCE", _span(t3, t3), _span(t3, "dispersed"), quad_class=4, source=(police,),
                  target=(students,), date="2024-01-20", date_precision="day", place=nairobi,
                  acled_type="Protests", acled_sub_type="Protest with intervention"),
        ),
        places=(nairobi,),
    ))

    t4 = (f"Officials said {HOSTILE_NAME} met envoys in {HOSTILE_PLACE} on Friday. "
          "<script>window.__pwned=1;alert('body')</script> The talks ended without a deal.")
    villain = _actor(t4, HOSTILE_NAME, HOSTILE_NAME, "SYR", "GOV")
    envoys = _actor(t4, "envoys", "UN Envoys", "IGO", "GOV")
    place = _place(t4, HOSTILE_PLACE, HOSTILE_PLACE, "SYR", 33.51, 36.28)
    friday = _span(t4, "Friday")
    docs.append(Document(
        article=Article("art-hostile", t4, HOSTILE_TITLE, "2024-03-01", "javascript:alert(4)", "<b>Rogue</b>"),
        actors=(villain, envoys),
        events=(Event("CONSULT", _span(t4, t4[: t4.index("Friday.") + 7]), _span(t4, "met"), quad_class=1,
                      source=(villain,), target=(envoys,), date="2024-03-01", date_precision="day", place=place),),
        places=(place,),
        dates=(TimeRef("Friday", friday.start, friday.end, "2024-03-01", "day"),),
    ))
    return docs


def _cue(text: str, cue: str) -> tuple[int, int]:
    start = text.index(cue)
    return start, start + len(cue)


def build_sample_db(path: Path) -> Path:
    """A database holding ``sample_documents()``, written through the store's one write path."""
    with open_store(path) as store:
        list(store.write(sample_documents()))
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_in_thread(db: str | Path, **options: Any) -> Iterator[str]:
    """The API and page served by uvicorn on 127.0.0.1 on a free port; yields the base URL."""
    import uvicorn

    from . import create_app

    port = free_port()
    config = uvicorn.Config(create_app(db, **options), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def serve_in_processes(db: str | Path, workers: int, *args: str) -> Iterator[tuple[str, int]]:
    """``eventwire serve --workers N`` as a child process on a free port of 127.0.0.1, as a user starts it; yields
    the base URL and the server's process id once the API answers, and stops the server (SIGINT, as Ctrl-C) on the way out."""
    import signal
    import subprocess
    import sys
    import urllib.request

    port = free_port()
    command = [sys.executable, "-m", "eventwire", "serve", "--db", str(db), "--port", str(port),
               "--workers", str(workers), *args]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the server exited: {server.stderr.read() if server.stderr else ''}")
            try:
                with urllib.request.urlopen(base + "/stats", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not answer within 60 s") from None
                time.sleep(0.1)
        yield base, server.pid
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stderr:
            server.stderr.close()


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return f"Debian's chromium is not installed ({CHROMIUM}): apt-get install -y chromium"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed: pip install 'eventwire[dev]'"
    return None


@contextmanager
def chromium_browser() -> Iterator[Any]:
    """Headless Debian Chromium under Playwright (no browser download: the system binary is used)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
                                     headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
