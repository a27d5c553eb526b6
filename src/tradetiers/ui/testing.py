"""Helpers for the browser tests and the latency benchmark: a served app and Chromium.

The browser is Debian's ``/usr/bin/chromium`` driven by the Python ``playwright``
package (never ``playwright install``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tradetiers.ui.assets import default_dir, fill

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def asset_cache() -> Path:
    """The offline asset cache, filled once (the only step that downloads)."""
    cache = default_dir()
    fill(cache, log=lambda _m: None)
    return cache


class Server:
    """``tradetiers ui`` on a free 127.0.0.1 port, serving offline assets; a context manager.

    Args:
        scenario: the scenario to serve.
        log: file that receives the server's output.
    """

    def __init__(self, scenario: str = "teaching", log: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = log or Path(os.devnull)
        cmd = [sys.executable, "-m", "tradetiers.cli", "ui", scenario]
        cmd += ["--host", "127.0.0.1", "--port", str(self.port)]
        cmd += ["--offline-assets", str(asset_cache())]
        self._log = open(self.log_path, "w")  # closed in stop()
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 90) -> Server:
        """Block until the server answers (or raise)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"tradetiers ui exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"tradetiers ui did not answer at {self.url}")

    def stop(self) -> None:
        """Terminate the server process we started."""
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()

    def __enter__(self) -> Server:
        return self.wait()

    def __exit__(self, *exc: object) -> None:
        self.stop()
