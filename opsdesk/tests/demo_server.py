"""Start the demo path for tests: migrate and seed a temporary SQLite database, then run the production server
(uvicorn, `opsdesk serve`) and the worker as separate processes. Used by the smoke test and the browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def demo_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a demo on `data_dir`: always SQLite, even when the test run itself uses PostgreSQL."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "OPSDESK_PLAIN_STATIC")}
    env.update(
        {
            "OPSDESK_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "opsdesk.settings",
            "OPSDESK_FAST_HASHER": "1",
            **extra,
        }
    )
    return env


def opsdesk(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "opsdesk.cli", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_demo(env: dict[str, str], *, tickets: int) -> Iterator[str]:
    """Yield the base URL of a seeded demo served by uvicorn with the worker running; stop both afterwards."""
    opsdesk(env, "migrate", "-v0")
    opsdesk(env, "seed-demo", "--tickets", str(tickets))
    opsdesk(env, "collectstatic")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # No OPSDESK_SITE_URL: links name the address served, as in `opsdesk demo` (`serve` knows its own; the worker
    # is told, as the demo command tells its worker).
    env = {k: v for k, v in env.items() if k != "OPSDESK_SITE_URL"} | {"OPSDESK_SERVED_URL": base}
    processes = [
        subprocess.Popen([sys.executable, "-m", "opsdesk.cli", "serve", "--port", str(port)], env=env, cwd=ROOT),
        subprocess.Popen(
            [sys.executable, "-m", "opsdesk.cli", "worker"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    ]
    try:
        deadline = time.monotonic() + 90  # a loaded machine (two test runs side by side) starts it slowly
        while True:
            try:
                urllib.request.urlopen(base + "/health/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                    raise RuntimeError("the demo server did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
