"""Browser tests: the production server (uvicorn) and the worker on a seeded temporary SQLite database, driven by
Playwright in Debian's Chromium. Every request to a host other than 127.0.0.1 is blocked and recorded."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PASSWORD = "opsdesk-demo"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    executable = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Chromium is missing at {executable}: run scripts/ensure_chromium.sh (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-gpu",
        ],
    }


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("opsdesk-e2e")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "OPSDESK_PLAIN_STATIC")}
    env.update(
        {
            "OPSDESK_DATA_DIR": str(data),
            "OPSDESK_FAST_HASHER": "1",
            "DJANGO_SETTINGS_MODULE": "opsdesk.settings",
            "OPSDESK_CONTACT_RATE_LIMIT": "100",
        }
    )

    def run(*args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "opsdesk.cli", *args],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=300,
        )

    run("migrate", "-v0")
    run("seed-demo", "--tickets", "200")
    run("collectstatic")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env["OPSDESK_SITE_URL"] = base
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
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/health/", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        yield base
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def outside_requests(page: Any) -> list[str]:
    """Block and record every request that leaves 127.0.0.1: OpsDesk must run offline, with no CDN."""
    blocked: list[str] = []

    def handle(route: Any) -> None:
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    return blocked


def sign_in(page: Any, base: str, email: str) -> None:
    page.goto(base + "/accounts/sign-in/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")
