"""The automation pages: building a rule from the form (conditions, steps, field errors), its dry run, its log, the
ticket's automation log, the lifecycle defaults, and macros applied from the ticket page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from opsdesk.automation import actions
from opsdesk.automation.actions import timing
from opsdesk.automation.actions.rules import RuleInput
from opsdesk.automation.consumers import run_rules
from opsdesk.automation.models import Macro, Rule, RuleRun
from opsdesk.core.errors import ActionError
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets.models import Ticket, TicketEvent, TicketStatus

START = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)


def form(**values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "",
        "match": "all",
        "agent_replied": "any",
        "business_hours": "any",
        "is_active": "on",
    }
    data.update(values)
    return data


@pytest.mark.django_db
def test_the_lifecycle_rules_are_installed_and_close_solved_tickets_after_four_days(world: Any) -> None:
    assert sorted(Rule.objects.filter(key__startswith="lifecycle.").values_list("key", "is_active")) == [
        ("lifecycle.close_solved", True),
        ("lifecycle.pending_reminder", False),
        ("lifecycle.pending_solve", False),
    ]
    solved = TicketStatus.objects.get(category="solved", is_default=True)
    with time_machine.travel(START, tick=False):
        ticket = world.ticket()
        ticket_actions.change_status(ticket, status=solved, actor=world.agent)
        rows = list(TicketEvent.objects.filter(ticket=ticket).order_by("id"))
        run_rules(rows)
    assert timing.run_due(now=START + timedelta(days=4) - timedelta(seconds=1))["fired"] == 0
    assert timing.run_due(now=START + timedelta(days=4))["fired"] == 1
    ticket.refresh_from_db()
    assert ticket.status_category == "closed"
    closed = TicketEvent.objects.get(ticket=ticket, kind="status.changed", data__to_category="closed")
    fired = TicketEvent.objects.get(ticket=ticket, kind="automation.fired")
    assert (closed.cause_event, closed.cause, closed.source) == (
        fired.pk,
        fired.data and f"rule:{fired.data['rule']}",
        "automation",
    )
    assert fired.data["anchor"] == "solved" and fired.data["after_seconds"] == 4 * 86400


def test_the_close_rule_keeps_metrics_range(world: Any) -> None:
    rule = Rule.objects.get(key="lifecycle.close_solved")
    data = RuleInput(
        name=rule.name,
        kind="time",
        anchor="solved",
        after_seconds=29 * 86400,
        conditions=rule.conditions,
        actions=rule.actions,
    )
    with pytest.raises(ActionError) as error:
        actions.save_rule(rule, data=data, actor=world.admin)
    assert (error.value.field, error.value.message) == ("after_seconds", "Solved tickets close after 1 to 28 days.")


def test_a_manager_builds_a_vip_rule_in_the_form_previews_it_and_saves_it(client: Client, world: Any) -> None:
    vip = world.ticket(subject="VIP printer", priority="urgent")
    world.ticket(subject="Ordinary")
    client.force_login(world.manager)
    url = reverse("automation:rule_create", args=["time"])
    assert client.get(url).status_code == 200
    values = form(
        name="VIP unanswered",
        after="30m",
        anchor="created",
        business_time="",
        agent_replied="no",
        cond_0_field="priority",
        cond_0_op="is",
        cond_0_value="Urgent",
        cond_1_field="organization_id",
        cond_1_op="is",
        cond_1_value="Acme",
        step_0_type="escalate",
        step_0_notify=["team_leads"],
        step_1_type="note",
        step_1_text="Unanswered VIP #{{ticket.number}}",
    )
    Ticket.objects.filter(pk=vip.pk).update(organization=world.organization)
    preview = client.post(url, {**values, "preview": "1"})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert not Rule.objects.filter(name="VIP unanswered").exists()
    assert "the rule matches 1." in page
    assert f"Unanswered VIP #{vip.pk}" in page
    assert "Escalate" in page
    saved = client.post(url, values)
    rule = Rule.objects.get(name="VIP unanswered")
    assert saved.status_code == 302 and saved["Location"] == reverse("automation:rule_detail", args=[rule.pk])
    assert rule.conditions == {
        "match": "all",
        "conditions": [
            {"field": "priority", "op": "is", "value": "urgent"},
            {"field": "organization_id", "op": "is", "value": world.organization.pk},
        ],
    }
    assert rule.actions == [
        {"type": "escalate", "to": ["team_leads"], "email": False},
        {"type": "note", "text": {"en": "Unanswered VIP #{{ticket.number}}"}},
    ]
    assert (rule.anchor, rule.after_seconds, rule.agent_replied) == ("created", 1800, "no")
    detail = client.get(reverse("automation:rule_detail", args=[rule.pk])).content.decode()
    assert "30 min after the ticket was created" in detail
    assert "The rule has not run yet." in detail


def test_field_errors_stand_beside_their_inputs(client: Client, world: Any) -> None:
    client.force_login(world.manager)
    url = reverse("automation:rule_create", args=["trigger"])
    response = client.post(
        url,
        form(
            name="Broken",
            events=["ticket_created"],
            cond_0_field="priority",
            cond_0_op="is",
            cond_0_value="extreme",
            step_0_type="reply",
            step_0_text="Hello {{ticket.nope}}",
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "cond_0_value" in errors
    response = client.post(
        url, form(name="Broken", events=["ticket_created"], step_0_type="reply", step_0_text="Hello {{ticket.nope}}")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["step_0_text"] == ["en: Unknown placeholder: ticket.nope."]
    response = client.post(url, form(name="No events", step_0_type="add_tags", step_0_tags="x"))
    assert response.context["form"].errors["events"] == ["Choose at least one event."]
    response = client.post(url, form(name="No steps", events=["ticket_created"]))
    assert response.status_code == 400
    assert not Rule.objects.filter(kind="trigger").exists()


def test_the_rule_log_and_the_ticket_log_say_what_happened(client: Client, world: Any) -> None:
    rule = actions.save_rule(
        None,
        data=RuleInput(
            name="Tag refunds",
            kind="trigger",
            events=["ticket_created"],
            actions=[{"type": "add_tags", "tags": ["refund"]}, {"type": "set_priority", "priority": "high"}],
        ),
        actor=world.manager,
    )
    last = TicketEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ticket = world.ticket(subject="Refund")
    run_rules(list(TicketEvent.objects.filter(id__gt=last).order_by("id")))
    client.force_login(world.manager)
    with_budget = client.get(reverse("automation:rule_detail", args=[rule.pk])).content.decode()
    assert f"#{ticket.pk}" in with_budget
    assert "Set the priority: normal → high" in with_budget
    assert "Add tags: — → refund" in with_budget
    client.force_login(world.agent)
    page = client.get(reverse("automation:ticket_log", args=[ticket.pk])).content.decode()
    assert "Rule “Tag refunds” ran. Why: A ticket is created." in page
    assert page.count("<li>") >= 2
    detail = client.get(ticket.get_absolute_url()).content.decode()
    assert "Automation log: 1 rule run" in detail
    client.force_login(world.other_agent)  # another team's agent does not see the ticket
    assert client.get(reverse("automation:ticket_log", args=[ticket.pk])).status_code == 404


@pytest.mark.parametrize("count", [1, 15])
def test_rule_pages_keep_to_their_query_budget(
    client: Client, world: Any, count: int, django_assert_num_queries: Any
) -> None:
    """The list names each step's status, team and person from one query per kind, however many rules."""
    status = TicketStatus.objects.get(name="Open")
    steps = [
        {"type": "set_status", "status": status.pk},
        {"type": "set_team", "team": world.billing.pk},
        {"type": "assign", "to": world.agent.pk},
    ]
    for n in range(count):
        data = RuleInput(name=f"R{n}", kind="trigger", events=["ticket_created"], actions=steps)
        actions.save_rule(None, data=data, actor=world.manager)
    client.force_login(world.manager)
    with django_assert_num_queries(6):
        page = client.get(reverse("automation:rule_list")).content.decode()
    assert page.count("Set the status: Open; Move to a team: Billing; Assign: Alice Agent") == count


def test_an_agent_previews_and_applies_a_macro(client: Client, world: Any) -> None:
    macro = actions.save_macro(
        None,
        name="Refund approved",
        actions=[
            {"type": "add_tags", "tags": ["refund"]},
            {
                "type": "reply",
                "text": {
                    "en": "Hi {{requester.first_name}}, refunded.",
                    "fi": "Hei {{requester.first_name}}, hyvitetty.",
                },
            },
            {"type": "assign", "to": "me"},
        ],
        shared=False,
        actor=world.agent,
    )
    ticket = world.ticket(language="fi")
    client.force_login(world.agent)
    detail = client.get(ticket.get_absolute_url()).content.decode()
    assert f'<option value="{macro.pk}">Refund approved</option>' in detail
    preview = client.get(reverse("automation:macro_preview", args=[ticket.pk]), {"macro": macro.pk}).content.decode()
    assert "Hei Carl, hyvitetty." in preview
    assert not ticket.tags.exists()
    response = client.post(reverse("automation:macro_apply", args=[ticket.pk]), {"macro": macro.pk})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert [t.name for t in ticket.tags.all()] == ["refund"]
    assert ticket.assignee == world.agent
    reply = ticket.messages.filter(author_role="agent").get()
    assert (reply.body_text, reply.via, reply.author_user) == ("Hei Carl, hyvitetty.", "macro", world.agent)
    applied = TicketEvent.objects.get(ticket=ticket, kind="automation.macro_applied")
    assert applied.actor == world.agent
    assert set(
        TicketEvent.objects.filter(cause=f"macro:{macro.pk}")
        .exclude(pk=applied.pk)
        .values_list("cause_event", flat=True)
    ) == {applied.pk}
    assert Macro.objects.get(pk=macro.pk).uses == 1
    client.force_login(world.other_agent)  # a personal macro is its owner's
    assert client.get(reverse("automation:macro_preview", args=[ticket.pk]), {"macro": macro.pk}).status_code == 404
    client.force_login(world.lead)
    assert client.post(reverse("automation:macro_apply", args=[ticket.pk]), {"macro": macro.pk}).status_code == 400
    assert not RuleRun.objects.exists()


def test_rules_move_and_switch_off_from_the_list(client: Client, world: Any) -> None:
    steps = [{"type": "add_tags", "tags": ["a"]}]
    first, second = (
        actions.save_rule(
            None, data=RuleInput(name=n, kind="trigger", events=["ticket_created"], actions=steps), actor=world.manager
        )
        for n in ("First", "Second")
    )
    client.force_login(world.manager)
    client.post(reverse("automation:rule_move", args=[second.pk]), {"direction": "up"})
    assert list(Rule.objects.filter(kind="trigger").order_by("position").values_list("name", flat=True)) == [
        "Second",
        "First",
    ]
    client.post(reverse("automation:rule_move", args=[second.pk]), {"direction": "up"})  # at the top: stays
    assert list(Rule.objects.filter(kind="trigger").order_by("position").values_list("name", "position")) == [
        ("Second", 1),
        ("First", 2),
    ]
    client.post(reverse("automation:rule_active", args=[first.pk]), {"active": "off"})
    first.refresh_from_db()
    assert (first.is_active, first.version) == (False, 2)
    assert client.post(reverse("automation:rule_move", args=[first.pk]), {"direction": "sideways"}).status_code == 302
