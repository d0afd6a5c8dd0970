"""PDF through headless Chromium's print-to-PDF (Debian's ``chromium`` package): the same HTML, printed."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import EventwireError

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--no-pdf-header-footer")
TIMEOUT_S = 120


def chromium_path() -> str | None:
    """``$EVENTWIRE_CHROMIUM``, else chromium on PATH, else Debian's /usr/bin/chromium."""
    named = os.environ.get("EVENTWIRE_CHROMIUM")
    if named:
        return named if Path(named).exists() else None
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def html_to_pdf(html: str, out: Path) -> None:
    browser = chromium_path()
    if browser is None:
        raise EventwireError(f"-o {out}: a PDF needs headless Chromium (apt-get install chromium, or set "
                             "EVENTWIRE_CHROMIUM); write brief.html instead")
    with tempfile.TemporaryDirectory(prefix="eventwire-brief-") as tmp:
        page = Path(tmp) / "brief.html"
        page.write_text(html, encoding="utf-8")
        target = Path(tmp) / "brief.pdf"
        command = [browser, *FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}", f"--print-to-pdf={target}",
                   page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise EventwireError(f"-o {out}: Chromium did not print the PDF within {TIMEOUT_S} s") from None
        except OSError as exc:
            raise EventwireError(f"-o {out}: cannot run Chromium ({browser}: {exc.strerror})") from None
        if not target.exists() or target.stat().st_size == 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise EventwireError(f"-o {out}: Chromium printed no PDF (exit {done.returncode}: {last})")
        try:
            shutil.copyfile(target, out)
        except OSError as exc:
            raise EventwireError(f"-o {out}: cannot write ({exc.strerror})") from None
