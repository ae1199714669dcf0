"""Property-based calls against every API operation (schemathesis): no 5xx, and every response matches the
OpenAPI document (status codes, content type, body schema).

The examples are the same on every run, so CI is repeatable; OPSDESK_FUZZ_RANDOM=1 draws new ones each run (use
it to hunt, then keep what it finds as a plain test)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from opsdesk.accounts import actions as account_actions

# What the API promises: no 5xx, and every answer as documented. (Pydantic's lax parsing, which accepts "0.5" as
# a timestamp, is not treated as a failure.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# Raw email (POST /api/v1/inbound-email) is sent as the bytes generated for its binary body.
schemathesis.serializer.alias("message/rfc822", "application/octet-stream")

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI calls must not close the test's database connection between requests (Django's test client
    disconnects the same signal handlers for the same reason)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_headers(world: Any) -> dict[str, str]:
    world.ticket()  # something to find, reply to and change
    _token, raw = account_actions.issue_api_token(world.admin, name="fuzz", scope="write", actor=world.admin)
    return {"Authorization": f"Bearer {raw}"}


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=not os.environ.get("OPSDESK_FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_conforms_to_its_schema(case: Any, api_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=api_headers, checks=CHECKS, excluded_checks=[])
