"""A throwaway PostgreSQL cluster on this machine, for the tests and benchmarks: initdb in a temporary folder, the
server listening only on a unix socket in that folder, stopped and removed at the end.

As root the server runs as the ``postgres`` system user (or ``nobody``), since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Self


class ClusterUnavailable(RuntimeError):
    """PostgreSQL could not be started here; the message says why (tests skip with it)."""


def _bin_dir() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not versions:
        raise ClusterUnavailable("PostgreSQL server binaries (initdb) not found; install Debian's postgresql")
    return Path(versions[-1]).parent


def _run_as() -> list[str]:
    if os.geteuid() != 0:
        return []
    for user in ("postgres", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            continue
        if shutil.which("runuser"):
            return ["runuser", "-u", user, "--"]
    raise ClusterUnavailable("running as root without a postgres/nobody user and runuser to start PostgreSQL")


class LocalCluster:
    """``with LocalCluster() as pg: pg.url`` is a superuser URL of database ``eventwire`` on a fresh cluster.
    ``durable=False`` (tests) turns off fsync; benchmarks keep PostgreSQL's durable defaults."""

    def __init__(self, durable: bool = False) -> None:
        self.durable = durable
        self.bin = _bin_dir()
        self.prefix = _run_as()
        self.root = Path(tempfile.mkdtemp(prefix="eventwire-pg-"))
        self.data = self.root / "data"
        self.started = False

    @property
    def url(self) -> str:
        return f"postgresql://eventwire@/eventwire?host={self.root}"

    def _run(self, *args: str) -> None:
        proc = subprocess.run([*self.prefix, *args], capture_output=True, text=True, timeout=120, check=False)
        if proc.returncode != 0:
            lines = (proc.stderr or proc.stdout).strip().splitlines()
            raise ClusterUnavailable(f"{Path(args[0]).name} failed: {lines[-1] if lines else proc.returncode}")

    def start(self) -> str:
        if self.prefix:
            user = self.prefix[2]
            entry = pwd.getpwnam(user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "eventwire", "-A", "trust",
                  "-E", "UTF8", "--locale", "C", *([] if self.durable else ["--no-sync"]))
        options = f"-k {self.root} -c listen_addresses='' -c max_connections=50 -c shared_buffers=128MB"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"), "-w",
                  "-t", "60", "-o", options, "start")
        self.started = True
        self._run(str(self.bin / "createdb"), "-h", str(self.root), "-U", "eventwire", "eventwire")
        return self.url

    def stop(self) -> None:
        if self.started:
            subprocess.run([*self.prefix, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                            "stop"], capture_output=True, timeout=60, check=False)
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Self:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
