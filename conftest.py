"""Test personas, one per role (like healthchecks' alice, bob and charlie), and shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _isolated(settings: Any, tmp_path: Any, monkeypatch: Any) -> Iterator[None]:
    from django.core.cache import cache
    from django.utils import translation

    from opsdesk.core import ratelimit

    monkeypatch.setattr(ratelimit, "EPOCH", None)  # rate-limit windows start at the test's first attempt
    # links name http://127.0.0.1:8000 outside a request and the test client's host in one (core/site.py), whatever
    # the shell running the tests has set
    settings.SITE_URL = ""
    monkeypatch.delenv("OPSDESK_SERVED_URL", raising=False)

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.HUEY.immediate = True
    settings.OPSDESK_ROUTING_ACTIVITY_SECONDS = (
        0  # no presence write in other apps' query budgets (routing tests turn it on)
    )
    settings.HUEY.storage.flush_all()  # no job scheduled by an earlier test runs in this one
    cache.clear()
    translation.activate("en")
    yield
    cache.clear()
    translation.activate("en")


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Any]:
    """A real SMTP server on a free port, with Django's SMTP backend pointed at it (opsdesk/core/tests/smtp.py)."""
    from opsdesk.core.tests.smtp import running_smtp

    with running_smtp() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
        settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD, settings.EMAIL_USE_TLS = "", "", False
        yield server


@pytest.fixture
def world(db: None) -> Any:
    from opsdesk.tests.factories import build_world

    return build_world()


@pytest.fixture
def admin(world: Any) -> Any:
    return world.admin


@pytest.fixture
def manager(world: Any) -> Any:
    return world.manager


@pytest.fixture
def lead(world: Any) -> Any:
    return world.lead


@pytest.fixture
def agent(world: Any) -> Any:
    return world.agent


@pytest.fixture
def light_agent(world: Any) -> Any:
    return world.light_agent


@pytest.fixture
def customer_user(world: Any) -> Any:
    return world.customer_user
