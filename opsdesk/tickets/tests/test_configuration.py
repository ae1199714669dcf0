"""Statuses, custom fields and canned responses: the administrator's configuration actions and pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opsdesk.audit.models import AuditEvent
from opsdesk.core.errors import ActionError
from opsdesk.fields.models import CustomField
from opsdesk.tickets import actions, configuration
from opsdesk.tickets.models import CannedResponse, TicketStatus


def test_a_new_default_status_takes_over_its_category(world: Any) -> None:
    waiting = configuration.save_status(
        None, name="Awaiting parts", category="on_hold", position=41, is_default=True, actor=world.admin
    )
    assert list(TicketStatus.objects.filter(category="on_hold", is_default=True)) == [waiting]
    ticket = world.ticket()
    actions.change_status(ticket, status=waiting, actor=world.agent)
    ticket.refresh_from_db()
    assert ticket.status_category == "on_hold"
    audit = AuditEvent.objects.get(verb="ticket_status.saved")
    assert audit.data["after"] == {
        "name": "Awaiting parts",
        "name_translations": {},
        "category": "on_hold",
        "position": 41,
        "is_default": True,
        "is_active": True,
    }


def test_a_used_status_keeps_its_category_and_each_category_keeps_one_active(world: Any) -> None:
    pending = TicketStatus.objects.get(name="Pending")
    actions.change_status(world.ticket(), status=pending, actor=world.agent)
    with pytest.raises(ActionError) as error:
        configuration.save_status(pending, name="Pending", category="open", actor=world.admin)
    assert error.value.code == "category_in_use"
    with pytest.raises(ActionError) as error:
        configuration.save_status(pending, name="Pending", category="pending", is_active=False, actor=world.admin)
    assert error.value.code == "last_in_category"
    renamed = configuration.save_status(
        pending, name="Waiting for you", category="pending", is_default=True, actor=world.admin
    )
    assert (renamed.name, renamed.category) == ("Waiting for you", "pending")


def test_custom_field_rules(world: Any) -> None:
    field = configuration.save_custom_field(None, label="Serial number", type="text", actor=world.admin)
    assert field.key == "serial_number"
    with pytest.raises(ActionError) as error:
        configuration.save_custom_field(None, label="Area", type="select", choices=[], actor=world.admin)
    assert error.value.code == "no_choices"
    with pytest.raises(ActionError) as error:
        configuration.save_custom_field(None, label="Serial number", type="text", actor=world.admin)
    assert error.value.code == "key_taken"
    with pytest.raises(ActionError) as error:
        configuration.save_custom_field(field, label="Serial", key="serial", type="text", actor=world.admin)
    assert error.value.code == "key_fixed"


def test_settings_pages_create_a_status_a_field_and_a_canned_response(client: Client, world: Any) -> None:
    client.force_login(world.admin)
    assert (
        client.post(
            reverse("ticket_settings:status_create"),
            {"name": "Escalated", "category": "open", "position": 25, "is_active": "on"},
        ).status_code
        == 302
    )
    assert TicketStatus.objects.get(name="Escalated").category == "open"
    bad = client.post(
        reverse("ticket_settings:custom_field_create"),
        {"label": "Area", "type": "select", "target": "ticket", "choices": "", "position": 0},
    )
    assert bad.status_code == 400
    assert bad.context["form"].errors == {"choices": ["A drop-down needs at least one choice."]}
    client.post(
        reverse("ticket_settings:custom_field_create"),
        {
            "label": "Area",
            "type": "select",
            "target": "ticket",
            "choices": "Web\nApp",
            "position": 0,
            "visible_in_portal": "on",
        },
    )
    assert CustomField.objects.get(key="area").choices == ["Web", "App"]
    client.post(
        reverse("ticket_settings:canned_response_create"), {"title": "Thanks", "body": "Thank you!", "language": "en"}
    )
    canned = CannedResponse.objects.get(title="Thanks")
    client.post(reverse("ticket_settings:canned_response_delete", args=[canned.pk]))
    assert not CannedResponse.objects.filter(pk=canned.pk).exists()
    portal = Client()
    portal.force_login(world.customer_user)
    assert 'name="cf_area"' in portal.get(reverse("portal:ticket_create")).content.decode()
