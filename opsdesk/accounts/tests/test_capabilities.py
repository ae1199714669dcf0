"""The capability map is the one place roles are turned into permissions."""

from __future__ import annotations

from pathlib import Path

from opsdesk.accounts.capabilities import ROLE_CAPABILITIES, Capability, roles_with
from opsdesk.accounts.models import ALL_TICKET_ROLES, STAFF_ROLES, Role

ROOT = Path(__file__).resolve().parents[3]


def test_every_role_has_an_entry_and_the_role_shorthands_agree_with_the_map() -> None:
    assert set(ROLE_CAPABILITIES) == set(Role.values)
    assert set(ALL_TICKET_ROLES) == set(roles_with(Capability.SEE_ALL_TICKETS))
    assert set(STAFF_ROLES) == set(roles_with(Capability.USE_WORKSPACE))
    assert roles_with(Capability.USE_PORTAL) == [Role.CUSTOMER]


def test_templates_ask_for_capabilities_not_roles() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "opsdesk").rglob("*.html")
        if "user.role" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
