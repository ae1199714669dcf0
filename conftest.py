"""Test personas, one per role (like healthchecks' alice, bob and charlie), and shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _isolated(settings: Any, tmp_path: Any) -> Iterator[None]:
    from django.core.cache import cache
    from django.utils import translation

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.HUEY.immediate = True
    cache.clear()
    translation.activate("en")
    yield
    cache.clear()
    translation.activate("en")


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
