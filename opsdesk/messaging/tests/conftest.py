"""Fixtures of the email transport tests: a private Dovecot per session (tests/dovecot.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from opsdesk.messaging.tests.dovecot import Dovecot, DovecotUnavailable, running_dovecot


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """Fails (never skips) with the reason when Dovecot is missing or does not start."""
    try:
        with running_dovecot() as server:
            yield server
    except DovecotUnavailable as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def imap_ca(settings: Any, dovecot: Dovecot) -> None:
    settings.OPSDESK_IMAP_CA_FILE = str(dovecot.cert)
