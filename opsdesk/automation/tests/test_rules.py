"""Trigger rules and time rules through the real ticket actions: firing, conditions, causes on the timeline, the
run log, loop protection, and the minutely job's due-time schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from opsdesk.automation import actions
from opsdesk.automation.actions import timing
from opsdesk.automation.actions.rules import RuleInput
from opsdesk.automation.consumers import run_rules
from opsdesk.automation.models import Rule, RuleRun, TimeCheck
from opsdesk.core.errors import ActionError
from opsdesk.sla.actions import calendars as calendar_actions
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets import consumers
from opsdesk.tickets.models import Notification, Ticket, TicketEvent, TicketStatus

START = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)  # a Wednesday
_position = {"id": 0}


@pytest.fixture(autouse=True)
def _no_default_rules(db: None) -> None:
    """The lifecycle rules the migration installs are tested on their own (test_lifecycle)."""
    Rule.objects.filter(key__startswith="lifecycle.").delete()


def start_consuming() -> None:
    _position["id"] = TicketEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def consume(at: datetime, *, rounds: int = 10) -> None:
    """Hand the consumer what was written since its last run, as tickets.consumers does after each commit, until
    nothing new is written (a chain of rules: each round is one more link)."""
    for _round in range(rounds):
        rows = list(TicketEvent.objects.filter(id__gt=_position["id"]).order_by("id"))
        if not rows:
            return
        _position["id"] = rows[-1].pk
        with time_machine.travel(at, tick=False):
            run_rules(rows)


def trigger(world: Any, name: str, **kwargs: Any) -> Rule:
    data = RuleInput(name=name, kind=Rule.Kind.TRIGGER, **kwargs)
    return actions.save_rule(None, data=data, actor=world.manager)


def kinds(ticket: Ticket) -> list[tuple[str, str]]:
    return [(e.kind, e.cause) for e in TicketEvent.objects.filter(ticket=ticket).order_by("id")]


def test_the_consumer_is_configured() -> None:
    assert consumers.handlers()["automation.rules"] is run_rules


def test_a_trigger_fires_on_its_event_and_its_changes_name_it_as_cause(world: Any) -> None:
    rule = trigger(
        world,
        "Urgent refunds",
        events=["ticket_created"],
        conditions={"match": "all", "conditions": [{"field": "channel", "op": "is", "value": "web"}]},
        actions=[{"type": "set_priority", "priority": "urgent"}, {"type": "add_tags", "tags": ["refund"]}],
    )
    start_consuming()
    with time_machine.travel(START, tick=False):
        ticket = world.ticket(subject="Refund please", channel="web")
        other = world.ticket(subject="By email", channel="email")
    consume(START + timedelta(seconds=2))
    ticket.refresh_from_db()
    assert ticket.priority == "urgent"
    assert [t.name for t in ticket.tags.all()] == ["refund"]
    fired = TicketEvent.objects.get(ticket=ticket, kind="automation.fired")
    created = TicketEvent.objects.get(ticket=ticket, kind="ticket.created")
    assert fired.cause_event == created.pk
    assert fired.cause == f"rule:{rule.pk}"
    assert fired.source == "automation"
    assert fired.data["trigger"] == "ticket_created"
    assert fired.data["depth"] == 1
    changes = TicketEvent.objects.filter(ticket=ticket, kind__in=["priority.changed", "tags.changed"]).exclude(cause="")
    assert [(e.kind, e.cause_event, e.cause, e.actor_id) for e in changes.order_by("id")] == [
        ("priority.changed", fired.pk, f"rule:{rule.pk}", None),
        ("tags.changed", fired.pk, f"rule:{rule.pk}", None),
    ]
    run = RuleRun.objects.get(rule=rule)
    assert run.ticket_id == ticket.pk
    assert run.outcome == RuleRun.Outcome.DONE
    assert run.changes == [
        {"type": "set_priority", "old": "normal", "new": "urgent"},
        {"type": "add_tags", "old": [], "new": ["refund"]},
    ]
    assert not RuleRun.objects.filter(ticket=other).exists()
    assert Ticket.objects.get(pk=other.pk).priority == "normal"


def test_a_rule_fires_once_per_event_even_when_the_batch_is_repeated(world: Any) -> None:
    trigger(world, "Tag new", events=["ticket_created"], actions=[{"type": "add_tags", "tags": ["new"]}])
    start_consuming()
    with time_machine.travel(START, tick=False):
        ticket = world.ticket()
    rows = list(TicketEvent.objects.filter(id__gt=_position["id"]).order_by("id"))
    with time_machine.travel(START, tick=False):
        run_rules(rows)
        run_rules(rows)  # a crash after the work and before the position moved repeats the batch
    assert RuleRun.objects.filter(ticket=ticket).count() == 1
    assert TicketEvent.objects.filter(ticket=ticket, kind="automation.fired").count() == 1


def test_customer_message_trigger_ignores_the_opening_message(world: Any) -> None:
    trigger(
        world,
        "Customer wrote",
        events=["customer_message"],
        actions=[{"type": "note", "text": {"en": "Customer wrote on #{{ticket.number}}"}}],
    )
    start_consuming()
    with time_machine.travel(START, tick=False):
        ticket = world.ticket()
    consume(START)
    assert not RuleRun.objects.exists()
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        ticket_actions.add_customer_reply(ticket, body="Any news?", customer=world.customer, actor=None)
    consume(START + timedelta(minutes=5))
    run = RuleRun.objects.get()
    note = ticket.messages.filter(visibility="internal").get()
    assert note.body_text == f"Customer wrote on #{ticket.pk}"
    assert note.via == "trigger"
    assert run.changes == [{"type": "note", "done": note.pk, "language": "en"}]


def test_a_reply_uses_the_ticket_language_and_falls_back_to_english(world: Any) -> None:
    trigger(
        world,
        "Acknowledge",
        events=["ticket_created"],
        actions=[
            {
                "type": "reply",
                "text": {
                    "en": "Hello {{requester.first_name}}",
                    "fi": "Hei {{requester.first_name}}, #{{ticket.number}}",
                },
            }
        ],
    )
    start_consuming()
    with time_machine.travel(START, tick=False):
        finnish = world.ticket(language="fi")
        swedish = world.ticket(language="sv")
    consume(START)
    assert finnish.messages.filter(author_role="system").get().body_text == f"Hei Carl, #{finnish.pk}"
    reply = swedish.messages.filter(author_role="system").get()
    assert reply.body_text == "Hello Carl"
    assert reply.is_automated is True


def test_a_rule_never_reacts_to_its_own_change(world: Any) -> None:
    rule = trigger(
        world,
        "Bump on update",
        events=["ticket_updated"],
        actions=[{"type": "add_tags", "tags": ["touched"]}, {"type": "set_priority", "priority": "high"}],
    )
    with time_machine.travel(START, tick=False):
        ticket = world.ticket()
    start_consuming()
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        ticket_actions.set_type(ticket, type="incident", actor=world.agent)
    consume(START + timedelta(minutes=1))
    assert RuleRun.objects.filter(rule=rule).count() == 1  # its tags.changed and priority.changed do not fire it


def test_a_chain_of_rules_is_cut_at_the_fixed_depth(world: Any) -> None:
    """Two rules that answer each other's changes forever: the chain stops at depth 5 and the cut is logged."""
    ping = trigger(
        world,
        "Ping",
        events=["priority_changed"],
        conditions={"match": "all", "conditions": [{"field": "priority", "op": "is", "value": "normal"}]},
        actions=[{"type": "set_priority", "priority": "high"}],
    )
    pong = trigger(
        world,
        "Pong",
        events=["priority_changed"],
        conditions={"match": "all", "conditions": [{"field": "priority", "op": "is", "value": "high"}]},
        actions=[{"type": "set_priority", "priority": "normal"}],
    )
    with time_machine.travel(START, tick=False):
        ticket = world.ticket()
    start_consuming()
    with time_machine.travel(START, tick=False):
        ticket_actions.set_priority(ticket, priority="high", actor=world.agent)
    consume(START, rounds=20)
    runs = list(RuleRun.objects.filter(ticket=ticket).order_by("id").values_list("rule_id", "depth", "outcome"))
    assert runs == [
        (pong.pk, 1, "done"),
        (ping.pk, 2, "done"),
        (pong.pk, 3, "done"),
        (ping.pk, 4, "done"),
        (pong.pk, 5, "done"),
        (ping.pk, 6, "cut"),
    ]
    assert Ticket.objects.get(pk=ticket.pk).priority == "normal"


def test_a_refused_step_is_logged_and_the_others_stay_done(world: Any) -> None:
    new = TicketStatus.objects.filter(category="new").first()
    assert new is not None
    rule = trigger(
        world,
        "Tag, refuse, notify",
        events=["agent_reply"],
        actions=[
            {"type": "add_tags", "tags": ["seen"]},
            {"type": "set_status", "status": new.pk},  # nothing moves back to New (METRICS.md §1)
            {"type": "notify", "to": ["team_leads"], "text": {"en": "Replied: {{ticket.subject}}"}},
        ],
    )
    with time_machine.travel(START, tick=False):
        ticket = world.ticket()
    start_consuming()
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        ticket_actions.reply_to_ticket(ticket, body="Hello", actor=world.agent)
    consume(START + timedelta(minutes=1))
    run = RuleRun.objects.get(rule=rule)
    assert run.outcome == "partly"
    assert run.changes[0] == {"type": "add_tags", "old": [], "new": ["seen"]}
    assert run.changes[1] == {
        "type": "set_status",
        "error": "A ticket cannot move back to New.",
        "code": "invalid_transition",
    }
    assert run.changes[2]["type"] == "notify"
    note = Notification.objects.get(ticket=ticket)
    assert note.user == world.lead
    assert note.data == {"text": "Replied: Printer on fire"}
    assert note.event.kind == "automation.fired"
    ticket.refresh_from_db()
    assert ticket.status_category == "open"


def test_unknown_placeholders_and_bad_steps_are_field_errors(world: Any) -> None:
    with pytest.raises(ActionError) as error:
        trigger(
            world, "Bad", events=["ticket_created"], actions=[{"type": "reply", "text": {"en": "Hi {{ticket.secret}}"}}]
        )
    assert (error.value.field, error.value.message) == ("step_0_text_en", "Unknown placeholder: ticket.secret.")
    with pytest.raises(ActionError) as error:
        trigger(world, "Bad", events=["ticket_created"], actions=[{"type": "set_priority", "priority": "extreme"}])
    assert error.value.field == "step_0_value"
    with pytest.raises(ActionError) as error:
        trigger(world, "Bad", events=["nonsense"], actions=[{"type": "add_tags", "tags": ["x"]}])
    assert error.value.field == "events"
    with pytest.raises(ActionError) as error:
        trigger(world, "", events=["ticket_created"], actions=[{"type": "add_tags", "tags": ["x"]}])
    assert error.value.field == "name"
    with pytest.raises(ActionError) as error:
        actions.save_rule(
            None, data=RuleInput(name="x", kind="trigger", events=["ticket_created"], actions=[]), actor=world.agent
        )
    assert error.value.status == 403
    assert not Rule.objects.exists()


# --- time rules -----------------------------------------------------------------------------------------------------


def time_rule(world: Any, name: str, **kwargs: Any) -> Rule:
    return actions.save_rule(None, data=RuleInput(name=name, kind=Rule.Kind.TIME, **kwargs), actor=world.manager)


def test_a_time_rule_fires_when_due_through_the_schedule_and_once_per_anchor(world: Any) -> None:
    rule = time_rule(
        world,
        "Unanswered VIP",
        conditions={"match": "all", "conditions": [{"field": "priority", "op": "is", "value": "urgent"}]},
        agent_replied=Rule.Replied.NO,
        anchor=Rule.Anchor.CREATED,
        after_seconds=1800,
        actions=[{"type": "escalate", "to": ["team_leads"]}],
    )
    start_consuming()
    with time_machine.travel(START, tick=False):
        vip = world.ticket(priority="urgent")
        answered = world.ticket(priority="urgent")
        normal = world.ticket()
    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        ticket_actions.reply_to_ticket(answered, body="On it", actor=world.agent)
    consume(START + timedelta(minutes=10))
    assert dict(TimeCheck.objects.values_list("ticket_id", "due_at")) == {vip.pk: START + timedelta(minutes=30)}
    assert timing.run_due(now=START + timedelta(minutes=29)) == {"tickets": 0, "fired": 0}
    assert timing.run_due(now=START + timedelta(minutes=30)) == {"tickets": 1, "fired": 1}
    run = RuleRun.objects.get(rule=rule)
    assert (run.ticket_id, run.anchor_at, run.due_at) == (vip.pk, START, START + timedelta(minutes=30))
    assert run.reason == {"trigger": None, "anchor": "created", "after_seconds": 1800, "business_time": False}
    vip.refresh_from_db()
    assert vip.priority == "urgent"  # urgent stays urgent
    assert "escalated" in {t.name for t in vip.tags.all()}
    assert Notification.objects.get(ticket=vip).user == world.lead
    assert not TimeCheck.objects.filter(ticket=vip).exists()  # fired for its anchor: nothing more to come
    assert timing.run_due(now=START + timedelta(minutes=31)) == {"tickets": 0, "fired": 0}
    assert not RuleRun.objects.filter(ticket__in=[answered, normal]).exists()


def test_business_time_counts_only_open_hours(world: Any) -> None:
    calendar = calendar_actions.save_calendar(
        None,
        name="Office",
        time_zone="UTC",
        weekly=[[(9 * 60, 17 * 60)]] * 5 + [[], []],
        actor=world.manager,
    )
    time_rule(
        world,
        "30 business minutes",
        anchor=Rule.Anchor.CREATED,
        after_seconds=1800,
        business_time=True,
        calendar=calendar,
        actions=[{"type": "add_tags", "tags": ["late"]}],
    )
    start_consuming()
    evening = START.replace(hour=16, minute=50)
    with time_machine.travel(evening, tick=False):
        ticket = world.ticket()
    consume(evening)
    # 10 minutes today, 20 tomorrow from 09:00
    assert TimeCheck.objects.get(ticket=ticket).due_at == START.replace(hour=9, minute=20) + timedelta(days=1)


def test_changing_a_time_rule_schedules_existing_tickets(world: Any) -> None:
    with time_machine.travel(START, tick=False):
        ticket = world.ticket()
    rule = time_rule(
        world,
        "Old ones",
        anchor=Rule.Anchor.CREATED,
        after_seconds=3600,
        actions=[{"type": "add_tags", "tags": ["old"]}],
    )
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        assert timing.reschedule_all(now=START + timedelta(minutes=5)) == 1
    assert TimeCheck.objects.get(ticket=ticket).due_at == START + timedelta(hours=1)
    actions.set_rule_active(rule, active=False, actor=world.manager)
    timing.reschedule_all(now=START + timedelta(minutes=6))
    assert not TimeCheck.objects.exists()


def test_every_due_ticket_fires_in_one_run_chunk_after_chunk(world: Any) -> None:
    """Never capped: more tickets due than one transaction takes are all handled by the same run."""
    time_rule(
        world,
        "Note old ones",
        anchor=Rule.Anchor.CREATED,
        after_seconds=3600,
        actions=[{"type": "note", "text": {"en": "An hour old"}}],  # a step that goes ticket by ticket
    )
    with time_machine.travel(START, tick=False):
        tickets = [world.ticket(subject=f"T{n}") for n in range(timing.SLOW_CHUNK + 7)]
    timing.schedule([t.pk for t in tickets], now=START)
    assert timing.run_due(now=START + timedelta(hours=1)) == {"tickets": len(tickets), "fired": len(tickets)}
    assert RuleRun.objects.count() == len(tickets)
    assert not TimeCheck.objects.exists()


def test_a_negative_survey_answer_fires_the_bad_csat_rule_and_a_good_one_does_not(world: Any) -> None:
    """ "Bad CSAT → a task for the team lead": the survey's own bottom-box rule, carried on the answer's event."""
    from opsdesk.quality import actions as survey_actions
    from opsdesk.quality.models import SurveyRequest

    trigger(
        world,
        "Bad CSAT",
        events=["survey_answered_negative"],
        actions=[{"type": "add_tags", "tags": ["bad-csat"]}, {"type": "escalate", "to": ["team_leads"]}],
    )
    survey = survey_actions.save_survey(None, name="CSAT", kind="csat", question="How?", actor=world.manager)
    start_consuming()
    answered = []
    with time_machine.travel(START, tick=False):
        for rating in (2, 4):
            ticket = world.ticket(subject=f"Rated {rating}")
            request = SurveyRequest.objects.create(
                survey=survey,
                ticket=ticket,
                customer=ticket.requester,
                cause_event=rating,
                kind="csat",
                scale=5,
                due_at=START,
                state="sent",
                sent_at=START,
            )
            survey_actions.answer(request, rating=rating, now=START)
            answered.append(ticket)
    consume(START + timedelta(seconds=2))
    bad, good = (Ticket.objects.get(pk=t.pk) for t in answered)
    assert [t.name for t in bad.tags.all()] == ["bad-csat", "escalated"]
    assert TicketEvent.objects.get(ticket=bad, kind="survey.answered").data["negative"] is True
    assert not good.tags.exists() and not RuleRun.objects.filter(ticket=good).exists()
    assert Notification.objects.filter(ticket=bad, user=world.lead).exists()
