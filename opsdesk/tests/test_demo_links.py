"""Links in mail name the address the site is served on, whichever process renders the mail: the server (a password
reset, the contact form's acknowledgement) or the worker (the acknowledgement of an email it processes), when the
demo or the server alone runs on a port other than 8000 and OPSDESK_SITE_URL is not set (core/site.py)."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from opsdesk.tests.demo_server import ROOT, _free_port, demo_env, opsdesk

LINK = re.compile(r"https?://[^\s\"<>]+")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("demo-links")
    env = {k: v for k, v in demo_env(data).items() if k not in ("OPSDESK_SITE_URL", "OPSDESK_SERVED_URL")}
    opsdesk(env, "migrate", "-v0")
    opsdesk(env, "seed-demo", "--tickets", "10")
    opsdesk(env, "collectstatic")
    return env


@pytest.fixture
def env(seeded: dict[str, str]) -> Iterator[dict[str, str]]:
    """The seeded demo's environment; each test reads only the mail it made."""
    script = (
        "import django; django.setup(); from opsdesk.core.models import OutgoingMail; "
        "OutgoingMail.objects.all().delete()"
    )
    subprocess.run([sys.executable, "-c", script], env=seeded, cwd=ROOT, check=True)
    yield seeded


@contextmanager
def started(env: dict[str, str], *args: str, port: int) -> Iterator[str]:
    """Run `opsdesk <args>` in its own process group until the block ends (SIGINT to the group, as Ctrl+C does)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "opsdesk.cli", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/health/", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"opsdesk {args[0]} did not start")
        yield base
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def post_form(base: str, path: str, fields: dict[str, str]) -> None:
    """Fetch a form page and post it with its CSRF and one-time tokens, as a browser would."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + path).read().decode()
    hidden = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', page))
    data = urllib.parse.urlencode({**hidden, **fields}).encode()
    opener.open(urllib.request.Request(base + path, data=data, headers={"Referer": base + path}))


def mails(env: dict[str, str]) -> dict[str, str]:
    """Every outbox row's kind and both bodies, read from the demo's database."""
    script = (
        "import django, json; django.setup(); from opsdesk.core.models import OutgoingMail; "
        "print(json.dumps({m.kind: m.body_text + m.body_html for m in OutgoingMail.objects.order_by('id')}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return dict(json.loads(out))


def wait_for_mail(env: dict[str, str], kind: str) -> dict[str, str]:
    for _ in range(200):
        found = mails(env)
        if kind in found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"no {kind} mail was queued")


def raw_email(sender: str) -> bytes:
    return (
        f"From: Vera Visitor <{sender}>\r\nTo: support@opsdesk.localhost\r\nSubject: Invoice copy\r\n"
        "Message-ID: <demo-links-1@visitor.example>\r\nDate: Mon, 02 Mar 2026 10:00:00 +0000\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nCould you send me a copy of my invoice?\r\n"
    ).encode()


def test_the_demo_on_another_port_links_to_that_port_from_the_server_and_the_worker(env: dict[str, str]) -> None:
    port = _free_port()
    with started(env, "demo", "--port", str(port), port=port) as base:
        post_form(base, "/accounts/password-reset/", {"email": "agent.sv@opsdesk.example"})
        # the worker processes a stored email and acknowledges it: rendered outside any request
        subprocess.run(
            [sys.executable, "-m", "opsdesk.cli", "ingest-email"],
            input=raw_email("vera@visitor.example"),
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        found = wait_for_mail(env, "tickets.ticket_received")
    assert set(found) == {"accounts.password_reset", "tickets.ticket_received"}
    for kind, body in found.items():
        links = LINK.findall(body)
        assert links, kind
        assert {link[: len(base) + 1] for link in links} == {base + "/"}, kind


def test_the_server_alone_on_another_port_links_to_that_port(env: dict[str, str]) -> None:
    port = _free_port()
    with started(env, "serve", "--port", str(port), port=port) as base:
        post_form(base, "/accounts/password-reset/", {"email": "agent.sv@opsdesk.example"})
        post_form(
            base,
            "/contact/",
            {"name": "Walter Visitor", "email": "walter@visitor.example", "subject": "Hours", "body": "When?"},
        )
        found = mails(env)
    assert set(found) == {"accounts.password_reset", "tickets.ticket_received"}
    for kind, body in found.items():
        assert {link[: len(base) + 1] for link in LINK.findall(body)} == {base + "/"}, kind
