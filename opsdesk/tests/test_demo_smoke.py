"""The demo path, end to end: the production server and the worker on a temporary SQLite database, over HTTP."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def demo_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "OPSDESK_PLAIN_STATIC")}
    env.update(
        {"OPSDESK_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "opsdesk.settings", "OPSDESK_FAST_HASHER": "1"}
    )
    return env


def opsdesk(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "opsdesk.cli", *args], env=env, cwd=ROOT, check=True, capture_output=True, timeout=300
    )


@pytest.fixture
def running(demo_env: dict[str, str]) -> Iterator[str]:
    opsdesk(demo_env, "migrate", "-v0")
    opsdesk(demo_env, "seed-demo", "--tickets", "60")
    opsdesk(demo_env, "collectstatic")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "opsdesk.cli", "serve", "--port", str(port)], env=demo_env, cwd=ROOT
    )
    worker = subprocess.Popen([sys.executable, "-m", "opsdesk.cli", "worker"], env=demo_env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health/", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        for process in (server, worker):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def sign_in(base: str, email: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/accounts/sign-in/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "email": email, "password": "opsdesk-demo", "next": "/"}
    ).encode()
    opener.open(urllib.request.Request(base + "/accounts/sign-in/", data=data, headers={"Referer": base}))
    return opener


def test_demo_serves_pages_and_runs_jobs(running: str, demo_env: dict[str, str]) -> None:
    base = running
    sign_in_page = urllib.request.urlopen(base + "/accounts/sign-in/")
    assert sign_in_page.status == 200
    assert b"OpsDesk" in sign_in_page.read()
    assert urllib.request.urlopen(base + "/static/core/opsdesk.css").status == 200

    agent = sign_in(base, "agent.en@opsdesk.example")
    inbox = agent.open(base + "/tickets/?view=open")
    assert (inbox.status, inbox.url) == (200, base + "/tickets/?view=open")
    assert "data-ticket-row" in inbox.read().decode()

    customer = sign_in(base, "customer@opsdesk.example")
    portal = customer.open(base + "/portal/")
    assert (portal.status, portal.url) == (200, base + "/portal/")
    visible = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from opsdesk.accounts.models import User; "
            "from opsdesk.tickets.models import Ticket; "
            "print(Ticket.objects.visible_to(User.objects.get(email='customer@opsdesk.example')).live().count())",
        ],
        env=demo_env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert int(visible) >= 6  # her six seeded tickets, and her organization's when it shares them
    assert portal.read().decode().count("/portal/tickets/") == min(int(visible), 25)

    subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from opsdesk.core.tasks import beat; beat('smoke')"],
        env=demo_env,
        cwd=ROOT,
        check=True,
    )
    for _ in range(100):
        jobs = json.loads(urllib.request.urlopen(base + "/health/").read())["jobs"]
        if "smoke" in jobs:
            break
        time.sleep(0.1)
    assert "smoke" in jobs, "the worker did not run the queued job"
