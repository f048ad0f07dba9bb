"""`yhdyspinta serve` in a subprocess on a free port of 127.0.0.1, for the tests that need it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

EXE = str(Path(sys.executable).parent / "yhdyspinta")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_answering(url: str, server: subprocess.Popen[bytes], log: Path,
                         seconds: float) -> None:
    """Poll `url` until it answers; fail with the server's log if it exits or never does."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"{url} did not answer in {seconds} s"
            time.sleep(0.3)


@contextmanager
def serving(folder: Path, today: str, extra_env: Mapping[str, str] | None = None,
            ) -> Iterator[str]:
    """Serve a fresh SQLite store in `folder` (synced by `serve` itself); yield the base URL.

    The server's log must hold no traceback and no warning when it stops.
    """
    port = free_port()
    env = {**os.environ, "YHDYSPINTA_DATABASE_URL": f"sqlite:///{folder / 'store.db'}",
           "YHDYSPINTA_LANG": "en", **(extra_env or {})}
    env.pop("YHDYSPINTA_PUBLIC_URL", None)  # links must point where the server listens
    log = folder / "serve.log"
    with log.open("wb") as handle:
        server = subprocess.Popen([EXE, "serve", "--port", str(port), "--today", today],
                                  env=env, stdout=handle, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_answering(f"{url}/healthz", server, log, 120)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = log.read_text()
    assert "Traceback" not in text, text
    assert "Warning" not in text, text  # e.g. a library's deprecation notice on import
