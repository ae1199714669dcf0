"""Steps that reach other apps: posting to Slack or Teams and calling a webhook (integrations' deliveries, once per
firing), and assigning through the team's routing (its decision on the timeline)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine

from opsdesk.automation import actions
from opsdesk.automation.actions import timing
from opsdesk.automation.actions.rules import RuleInput
from opsdesk.automation.consumers import run_rules
from opsdesk.automation.models import Rule, RuleRun
from opsdesk.integrations import actions as integration_actions
from opsdesk.integrations.models import Delivery
from opsdesk.routing import actions as routing_actions
from opsdesk.tickets.models import Ticket, TicketEvent

START = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)


def consume_all(after: int) -> None:
    for _round in range(5):
        rows = list(TicketEvent.objects.filter(id__gt=after).order_by("id"))
        if not rows:
            return
        after = rows[-1].pk
        run_rules(rows)


def test_a_time_rule_escalates_and_posts_to_slack_once(world: Any, settings: Any) -> None:
    settings.OPSDESK_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    Rule.objects.filter(key__startswith="lifecycle.").delete()
    channel = integration_actions.save_channel(
        None,
        kind="slack",
        name="#vip",
        url="http://127.0.0.1:9/services/T/B/x",
        team=None,
        active=True,
        actor=world.admin,
    )
    rule = actions.save_rule(
        None,
        data=RuleInput(
            name="VIP unanswered",
            kind="time",
            anchor="created",
            after_seconds=1800,
            agent_replied="no",
            conditions={"match": "all", "conditions": [{"field": "tags", "op": "contains", "value": "vip"}]},
            actions=[
                {"type": "escalate", "to": ["team_leads"]},
                {
                    "type": "chat",
                    "channel": channel.pk,
                    "text": {"en": "VIP #{{ticket.number}} waits: {{ticket.subject}}"},
                },
            ],
        ),
        actor=world.manager,
    )
    last = TicketEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with time_machine.travel(START, tick=False):
        ticket = world.ticket(subject="Line down", tags=["vip"])
        consume_all(last)
    assert timing.run_due(now=START + timedelta(minutes=30)) == {"tickets": 1, "fired": 1}
    assert timing.run_due(now=START + timedelta(minutes=31)) == {"tickets": 0, "fired": 0}
    delivery = Delivery.objects.get(channel=channel)
    body = json.loads(delivery.body)
    assert body["text"].startswith(f"#{ticket.pk} Line down")
    assert f"VIP #{ticket.pk} waits: Line down" in json.dumps(body["blocks"])
    assert body["blocks"][1]["fields"][0]["text"] == "*Priority*\nHigh"
    run = RuleRun.objects.get(rule=rule)
    assert run.changes[1] == {"type": "chat", "done": delivery.pk}
    assert delivery.ticket_event_id == run.fired_event
    assert Ticket.objects.get(pk=ticket.pk).priority == "high"


def test_a_trigger_calls_a_webhook_with_the_firing_and_the_ticket(world: Any) -> None:
    Rule.objects.filter(key__startswith="lifecycle.").delete()
    webhook = integration_actions.save_webhook(
        None,
        name="Shop",
        url="https://receiver.example/in",
        events=["ticket.created"],
        team=None,
        active=True,
        actor=world.admin,
    )
    actions.save_rule(
        None,
        data=RuleInput(
            name="Tell the shop",
            kind="trigger",
            events=["ticket_created"],
            actions=[{"type": "webhook", "webhook": webhook.pk}],
        ),
        actor=world.manager,
    )
    last = TicketEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ticket = world.ticket(subject="Order 42")
    consume_all(last)
    sent = Delivery.objects.get(webhook=webhook, event="automation.webhook")
    body = json.loads(sent.body)
    assert body["type"] == "automation.webhook"
    assert body["data"]["event"]["kind"] == "automation.fired"
    assert body["data"]["event"]["data"]["name"] == "Tell the shop"
    assert body["data"]["ticket"]["number"] == ticket.pk
    assert body["data"]["ticket"]["subject"] == "Order 42"


def test_assign_by_routing_records_the_decision(world: Any) -> None:
    Rule.objects.filter(key__startswith="lifecycle.").delete()
    routing_actions.save_team_routing(
        world.support,
        strategy="round_robin",
        use_language=False,
        skill_min_level=1,
        fallback_seconds=0,
        capacity={},
        actor=world.admin,
    )
    routing_actions.set_presence(world.agent, presence="online", actor=world.agent)
    actions.save_rule(
        None,
        data=RuleInput(
            name="Route urgent ones",
            kind="trigger",
            events=["priority_changed"],
            conditions={"match": "all", "conditions": [{"field": "priority", "op": "is", "value": "urgent"}]},
            actions=[{"type": "assign", "to": "route"}],
        ),
        actor=world.manager,
    )
    ticket = world.ticket()
    Ticket.objects.filter(pk=ticket.pk).update(assignee=None)
    last = TicketEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    from opsdesk.tickets import actions as ticket_actions

    ticket_actions.set_priority(ticket, priority="urgent", actor=world.lead)
    consume_all(last)
    ticket.refresh_from_db()
    assert ticket.assignee == world.agent
    decision = TicketEvent.objects.filter(ticket=ticket, kind="routing.assigned").latest("id")
    run = RuleRun.objects.get(ticket=ticket)
    assert run.changes[0]["new"] == world.agent.pk
    assert run.changes[0]["routing"]
    assert decision.data["assignee"] == world.agent.pk


def test_a_breach_posts_to_the_tickets_teams_channel(world: Any, settings: Any) -> None:
    """ "Breaches to the team lead's channel": the chat step's channel may be the ticket's team's."""
    Rule.objects.filter(key__startswith="lifecycle.").delete()
    ours = integration_actions.save_channel(
        None,
        kind="teams",
        name="Support leads",
        url="https://contoso.webhook.office.com/webhookb2/abcdefgh-1234/IncomingWebhook/xyz",
        team=world.support,
        active=True,
        actor=world.admin,
    )
    integration_actions.save_channel(
        None,
        kind="slack",
        name="Billing",
        url="https://hooks.slack.com/services/T0/B0/xyz",
        team=world.billing,
        active=True,
        actor=world.admin,
    )
    actions.save_rule(
        None,
        data=RuleInput(
            name="Breach to the team",
            kind="trigger",
            events=["priority_changed"],
            actions=[{"type": "chat", "channel": "team"}],
        ),
        actor=world.manager,
    )
    support = world.ticket(subject="Ours")
    billing = world.ticket(subject="Theirs", team=world.billing)
    no_team = world.ticket(subject="Nobody's", team=None)
    last = TicketEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    from opsdesk.tickets import actions as ticket_actions

    for ticket in (support, billing, no_team):
        ticket_actions.set_priority(ticket, priority="high", actor=world.admin)
    consume_all(last)
    card = json.loads(Delivery.objects.get(channel=ours).body)
    assert card["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert f"#{support.pk} Ours" in json.dumps(card)
    assert Delivery.objects.filter(channel__team=world.billing).count() == 1
    refused = RuleRun.objects.get(ticket=no_team).changes[0]
    assert refused == {
        "type": "chat",
        "error": "The ticket's team has no Slack or Teams channel.",
        "code": "no_team_channel",
    }
