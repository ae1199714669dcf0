"""The demo path, end to end: the production server and the worker on a temporary SQLite database, over HTTP."""

from __future__ import annotations

import http.cookiejar
import json
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from opsdesk.tests.demo_server import ROOT, demo_env, running_demo


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return demo_env(tmp_path)


@pytest.fixture
def running(env: dict[str, str]) -> Iterator[str]:
    with running_demo(env, tickets=60) as base:
        yield base


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


def test_demo_serves_pages_and_runs_jobs(running: str, env: dict[str, str]) -> None:
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
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert int(visible) >= 6  # her six seeded tickets, and her organization's when it shares them
    assert portal.read().decode().count("/portal/tickets/") == min(int(visible), 25)

    subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from opsdesk.core.tasks import beat; beat('smoke')"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    for _ in range(100):
        jobs = json.loads(urllib.request.urlopen(base + "/health/").read())["jobs"]
        if "smoke" in jobs:
            break
        time.sleep(0.1)
    assert "smoke" in jobs, "the worker did not run the queued job"

    # A mail goes through the outbox and the real worker: the sign-in link arrives with its token filled in.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from opsdesk.accounts.models import User; "
            "from opsdesk.accounts.actions import send_sign_in_link; "
            "send_sign_in_link(User.objects.get(email='customer@opsdesk.example'))",
        ],
        env=env,
        cwd=ROOT,
        check=True,
    )
    mail_dir = Path(env["OPSDESK_DATA_DIR"]) / "outbox"
    links: list[str] = []
    for _ in range(100):
        written = [p.read_text() for p in mail_dir.glob("*.log")] if mail_dir.exists() else []
        links = [text for text in written if "/accounts/sign-in-link/" in text]
        if links:
            break
        time.sleep(0.1)
    assert len(links) == 1, "the worker did not deliver the queued mail"
    assert re.search(r"/accounts/sign-in-link/[A-Za-z0-9_-]{43}/", links[0]) and "OPSDESK-MAIL-SECRET" not in links[0]
