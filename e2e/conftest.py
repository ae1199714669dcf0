"""Browser tests: the production server (uvicorn) and the worker on a seeded temporary SQLite database, driven by
Playwright in Debian's Chromium. Every request to a host other than 127.0.0.1 is blocked and recorded."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from opsdesk.tests.demo_server import demo_env, running_demo

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PASSWORD = "opsdesk-demo"


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
def server_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of the shared demo server, for running `opsdesk` commands on its database and reading
    its files (mail goes to OPSDESK_DATA_DIR/outbox)."""
    return demo_env(
        tmp_path_factory.mktemp("opsdesk-e2e"),
        OPSDESK_CONTACT_RATE_LIMIT="100",
        OPSDESK_WEBHOOK_ALLOWED_HOSTS="127.0.0.1",
        # The demo's agents seeded online stay online through the whole run: a loaded CI machine reached the routing
        # test after the 10 idle minutes that make them away (idle expiry is tested in routing/tests).
        OPSDESK_ROUTING_AWAY_SECONDS="86400",
        OPSDESK_ROUTING_OFFLINE_SECONDS="172800",
    )


@pytest.fixture(scope="session")
def server(server_env: dict[str, str]) -> Iterator[str]:
    with running_demo(server_env, tickets=200) as base:
        yield base


def block_outside(target: Any, blocked: list[str] | None = None) -> list[str]:
    """Block and record every request of a page or a browser context that leaves 127.0.0.1: OpsDesk must run
    offline, with no CDN. Returns the list the blocked addresses are added to."""
    found: list[str] = [] if blocked is None else blocked

    def handle(route: Any) -> None:
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            found.append(route.request.url)
            route.abort()

    target.route("**/*", handle)
    return found


@pytest.fixture
def outside_requests(page: Any) -> list[str]:
    return block_outside(page)


def sign_in(page: Any, base: str, email: str) -> None:
    page.goto(base + "/accounts/sign-in/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")
