"""Surveys end to end (METRICS.md §4): scheduled on solve, cancelled on reopen, sent or skipped with a reason at send
time, answered in one click from a signed link in the customer's language, changed with a comment on the page, and
refused with a clear page (nothing recorded) for altered, forged, expired and flooding requests."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from opsdesk.core.errors import ActionError
from opsdesk.core.models import OutgoingMail
from opsdesk.customers.models import CustomerEmail
from opsdesk.quality import actions, fatigue, links
from opsdesk.quality.consumers import schedule_surveys
from opsdesk.quality.models import Survey, SurveyOptOut, SurveyRequest
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets.actions.common import default_status
from opsdesk.tickets.models import Ticket, TicketEvent, TicketLink

HELSINKI = ZoneInfo("Europe/Helsinki")


def csat(world: Any, **kwargs: Any) -> Survey:
    values: dict[str, Any] = {
        "name": "After solve",
        "kind": "csat",
        "question": "How satisfied are you with our answer?",
        "question_translations": {"sv": "Hur nöjd är du med vårt svar?", "el": "Πόσο ικανοποιημένοι είστε;"},
        "delay_minutes": 0,
        "actor": world.manager,
    }
    values.update(kwargs)
    return actions.save_survey(None, **values)


def handle(ticket: Ticket) -> None:
    """Run the consumer over the ticket's events, as the worker does."""
    schedule_surveys(list(TicketEvent.objects.filter(ticket=ticket).order_by("id")))


def solve(ticket: Ticket, world: Any) -> SurveyRequest:
    ticket_actions.change_status(ticket, status=default_status("solved"), actor=world.agent)
    handle(ticket)
    return SurveyRequest.objects.filter(ticket=ticket).latest("pk")


def sent(world: Any, survey: Survey | None = None, **ticket_kwargs: Any) -> SurveyRequest:
    survey = survey or csat(world)
    ticket = world.ticket(**ticket_kwargs)
    ticket_actions.assign_ticket(ticket, assignee=world.agent, actor=world.agent)
    request = solve(ticket, world)
    result = actions.send(request.pk)
    assert result is not None
    return result


def links_in(mail: OutgoingMail | None) -> list[str]:
    assert mail is not None
    return re.findall(r"/survey/[A-Za-z0-9_:.-]+/", mail.body_text)


def test_a_solve_schedules_the_survey_after_its_delay_with_the_agent_and_team_at_solve(world: Any) -> None:
    survey = csat(world, delay_minutes=1440)
    ticket = world.ticket()
    Ticket.objects.filter(pk=ticket.pk).update(assignee=world.agent)
    request = solve(ticket, world)
    solved = TicketEvent.objects.filter(ticket=ticket, kind="status.changed").latest("id")
    assert (request.state, request.survey_id, request.cause_event) == ("scheduled", survey.pk, solved.pk)
    assert request.due_at == solved.at + timedelta(minutes=1440)
    assert (request.agent_id, request.team_id, request.kind, request.scale) == (
        world.agent.pk,
        world.support.pk,
        "csat",
        5,
    )
    handle(ticket)  # a repeated batch adds nothing
    assert SurveyRequest.objects.filter(ticket=ticket).count() == 1
    assert actions.send(request.pk) is None  # not due yet
    assert actions.send(request.pk, now=request.due_at) is not None


def test_a_reopen_before_the_survey_is_due_cancels_it(world: Any) -> None:
    csat(world, delay_minutes=60)
    ticket = world.ticket()
    request = solve(ticket, world)
    ticket_actions.change_status(ticket, status=default_status("open"), actor=world.agent)
    handle(ticket)
    request.refresh_from_db()
    assert request.state == "cancelled"
    assert actions.send(request.pk, now=request.due_at) is None
    assert TicketEvent.objects.filter(ticket=ticket, kind="survey.cancelled").count() == 1
    again = solve(ticket, world)  # a new solve cycle gets a survey of its own
    assert again.pk != request.pk and again.state == "scheduled"


def test_the_survey_mail_is_in_the_customers_language_with_one_signed_link_per_answer(world: Any) -> None:
    world.customer.language = "sv"
    world.customer.save(update_fields=["language"])
    request = sent(world)
    mail = request.mail
    assert mail is not None and mail.recipients == ["carl@acme.example"] and mail.language == "sv"
    assert "Hur nöjd är du med vårt svar?" in mail.body_text
    assert mail.headers["Auto-Submitted"] == "auto-generated"
    found = links_in(mail)
    assert len(found) == 5
    assert [links.read_answer_token(path.split("/")[2]) for path in found] == [(request.pk, r) for r in range(1, 6)]
    event = TicketEvent.objects.get(ticket=request.ticket, kind="survey.sent")
    assert event.data == {
        "request": request.pk,
        "survey": request.survey_id,
        "kind": "csat",
        "address": "carl@acme.example",
    }


def test_one_click_records_the_rating_once_and_the_page_changes_it_with_a_comment(world: Any) -> None:
    request = sent(world)
    two, five = links_in(request.mail)[1], links_in(request.mail)[4]
    client = Client()
    page = client.get(two)
    assert page.status_code == 200
    assert "Thank you! Your answer was recorded." in page.content.decode()
    request.refresh_from_db()
    assert (request.rating, request.answered_at is not None) == (2, True)
    # the same link again, or another answer's link: nothing recorded, the answer given is shown
    assert client.get(two).status_code == 200
    assert client.get(five).status_code == 200
    request.refresh_from_db()
    assert request.rating == 2
    assert TicketEvent.objects.filter(ticket=request.ticket, kind="survey.answered").count() == 1
    changed = client.post(two, {"rating": "4", "reason": "", "comment": "<script>alert(1)</script> Quick!"})
    assert changed.status_code == 302
    request.refresh_from_db()
    assert (request.rating, request.comment) == (4, "<script>alert(1)</script> Quick!")
    answered = list(TicketEvent.objects.filter(ticket=request.ticket, kind="survey.answered").order_by("id"))
    assert [(e.data["rating"], e.data["first"], e.actor_role) for e in answered] == [
        (2, True, "end_user"),
        (4, False, "end_user"),
    ]
    shown = client.get(two).content.decode()
    assert "<script>alert(1)</script>" not in shown and "&lt;script&gt;alert(1)&lt;/script&gt; Quick!" in shown
    agent = Client()
    agent.force_login(world.agent)
    ticket_page = agent.get(f"/tickets/{request.ticket_id}/").content.decode()
    assert "The customer changed the CSAT answer: 4 / 5, “&lt;script&gt;" in ticket_page
    assert "<script>alert(1)</script>" not in ticket_page


def test_a_negative_rating_keeps_its_reason_and_a_positive_one_drops_it(world: Any) -> None:
    request = sent(world)
    actions.answer(request, rating=1, reason="slow", comment="Three days.")
    request.refresh_from_db()
    assert (request.rating, request.reason) == (1, "slow")
    actions.answer(request, rating=5, reason="slow")
    request.refresh_from_db()
    assert (request.rating, request.reason, request.comment) == (5, "", "Three days.")


@pytest.mark.parametrize(
    ("rating", "reason", "field"),
    [(0, "", "rating"), (6, "", "rating"), (1, "bored", "reason")],
)
def test_an_answer_outside_the_scale_or_with_an_unknown_reason_is_refused(
    world: Any, rating: int, reason: str, field: str
) -> None:
    from opsdesk.core.errors import ActionError

    request = sent(world)
    with pytest.raises(ActionError) as refused:
        actions.answer(request, rating=rating, reason=reason)
    assert refused.value.field == field
    request.refresh_from_db()
    assert request.rating is None
    assert not TicketEvent.objects.filter(ticket=request.ticket, kind="survey.answered").exists()


def test_altered_forged_and_foreign_links_are_refused_and_nothing_is_recorded(world: Any) -> None:
    request = sent(world)
    good = links_in(request.mail)[4].split("/")[2]
    altered = good[:-1] + ("A" if good[-1] != "A" else "B")
    forged = signing.dumps({"s": request.pk, "r": 1}, salt="not-the-survey-salt", compress=False)
    follow_token = signing.dumps({"s": request.pk, "r": 1}, compress=False)  # signed without the survey's purpose
    unknown = links.answer_token(request.pk + 999, 5)
    client = Client()
    for token in (altered, forged, follow_token, unknown, "nonsense"):
        page = client.get(f"/survey/{token}/")
        assert page.status_code == 404
        assert "This survey link is not valid" in page.content.decode()
        assert client.post(f"/survey/{token}/", {"rating": "5"}).status_code == 404
    request.refresh_from_db()
    assert request.rating is None
    assert not TicketEvent.objects.filter(ticket=request.ticket, kind="survey.answered").exists()


def test_a_link_after_the_answer_window_is_refused_and_nothing_is_recorded(world: Any) -> None:
    request = sent(world)
    path = links_in(request.mail)[0]
    SurveyRequest.objects.filter(pk=request.pk).update(sent_at=timezone.now() - timedelta(days=28, minutes=1))
    page = Client().get(path)
    assert page.status_code == 410
    assert "This survey has closed" in page.content.decode()
    request.refresh_from_db()
    assert request.rating is None


def test_a_flood_of_answers_is_rate_limited(world: Any, settings: Any) -> None:
    settings.OPSDESK_SURVEY_RATE_LIMIT = 3
    request = sent(world)
    path = links_in(request.mail)[0]
    client = Client()
    codes = [client.get(path).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_customer_who_opts_out_is_never_surveyed_again(world: Any) -> None:
    request = sent(world)
    path = links_in(request.mail)[0]
    client = Client()
    assert client.post(path + "stop/").status_code == 302
    assert SurveyOptOut.objects.filter(customer=world.customer, source="link").count() == 1
    assert client.post(path + "stop/").status_code == 302  # again: nothing new
    assert TicketEvent.objects.filter(kind="survey.opted_out").count() == 1
    assert "You will not receive surveys from us again." in client.get(path).content.decode()
    later = solve(world.ticket(), world)
    skipped = actions.send(later.pk, now=timezone.now() + timedelta(days=2))
    assert skipped is not None and (skipped.state, skipped.skip_reason) == ("skipped", "opted_out")


def test_skips_are_logged_with_the_rule_that_stopped_them(world: Any) -> None:
    survey = csat(world, excluded_tags=["Legal"])
    now = timezone.now()

    def decided(ticket: Ticket) -> str:
        request = solve(ticket, world)
        result = actions.send(request.pk)
        assert result is not None
        return result.skip_reason

    CustomerEmail.objects.filter(customer=world.other_customer).update(bounced_at=now)
    assert decided(world.ticket(requester=world.other_customer)) == "no_address"
    staff = world.ticket()
    from opsdesk.customers import actions as customer_actions

    agent_as_customer = customer_actions.create_customer(name="Alice", emails=["agent@example.com"], actor=world.admin)
    Ticket.objects.filter(pk=staff.pk).update(requester=agent_as_customer)
    assert decided(Ticket.objects.get(pk=staff.pk)) == "agent_requester"
    incident = world.ticket(subject="Outage", type="incident")
    linked = world.ticket()
    TicketLink.objects.create(source=linked, target=incident)
    assert decided(linked) == "incident_linked"
    tagged = world.ticket()
    ticket_actions.set_tags(tagged, tags=["legal"], actor=world.agent)
    assert decided(tagged) == "excluded_tag"
    first = decided(world.ticket())
    assert first == ""  # sent
    assert decided(world.ticket()) == "throttled"  # the same customer within 24 hours
    events = TicketEvent.objects.filter(kind="survey.skipped").order_by("id")
    assert [e.data["reason"] for e in events] == [
        "no_address",
        "agent_requester",
        "incident_linked",
        "excluded_tag",
        "throttled",
    ]
    assert all(e.data["survey"] == survey.pk for e in events)


def test_sampling_one_in_k_is_the_same_decision_every_time() -> None:
    drawn = [fatigue.sampled_in(f"survey-sample:1:{n}", 4) for n in range(400)]
    assert drawn == [fatigue.sampled_in(f"survey-sample:1:{n}", 4) for n in range(400)]
    assert 70 <= sum(drawn) <= 130  # about one in four
    assert all(fatigue.sampled_in(f"x:{n}", 1) for n in range(10))


def test_fatigue_counts_elapsed_time_whatever_the_time_zone() -> None:
    """23:30 in Helsinki and 00:30 the next day there is one hour, not "another day"; 30 days across the spring
    change of clocks are 30 × 24 hours."""
    contact = fatigue.Contact(address="a@example.com", last_any=datetime(2026, 3, 10, 23, 30, tzinfo=HELSINKI))
    next_day = datetime(2026, 3, 11, 0, 30, tzinfo=HELSINKI)
    assert fatigue.skip_reason(contact, fatigue.Rules(), now=next_day, seed="s") == "throttled"
    new_york = datetime(2026, 3, 11, 17, 30, tzinfo=ZoneInfo("America/New_York"))  # 23:30 in Helsinki
    assert fatigue.skip_reason(contact, fatigue.Rules(), now=new_york, seed="s") is None
    last = datetime(2026, 3, 1, 12, 0, tzinfo=HELSINKI)  # UTC+2; on 29 March Finland moves to UTC+3
    nps = fatigue.Contact(address="a@example.com", last_any=last, last_same_kind=last)
    rules = fatigue.Rules(cooldown_days=30)
    same_wall_clock = datetime(2026, 3, 31, 12, 0, tzinfo=HELSINKI)  # 29 days 23 hours later
    assert fatigue.skip_reason(nps, rules, now=same_wall_clock, seed="s") == "throttled"
    assert fatigue.skip_reason(nps, rules, now=same_wall_clock + timedelta(hours=1), seed="s") is None


def test_the_survey_settings_refuse_bad_input_with_field_errors(world: Any) -> None:
    client = Client()
    client.force_login(world.manager)
    form = {
        "name": "NPS quarterly",
        "kind": "csat",
        "scale": "6",
        "style": "numbers",
        "moment": "solved",
        "question": "How likely are you to recommend us?",
        "delay_minutes": "-5",
        "cooldown_days": "45",
        "sample_every": "1",
        "excluded_tags": "",
        "is_active": "on",
    }
    page = client.post("/settings/surveys/new/", form)
    assert page.status_code == 400
    errors = page.context["form"].errors
    assert set(errors) == {"scale", "delay_minutes", "cooldown_days"}
    assert not Survey.objects.exists()
    form.update({"kind": "nps", "scale": "5", "delay_minutes": "30", "cooldown_days": "90", "style": "faces"})
    page = client.post("/settings/surveys/new/", form)
    assert page.status_code == 400 and list(page.context["form"].errors) == ["style"]
    form["style"] = "numbers"
    assert client.post("/settings/surveys/new/", form).status_code == 302
    survey = Survey.objects.get()
    assert (survey.kind, survey.scale, survey.cooldown_days, survey.delay_minutes) == ("nps", 11, 90, 30)
    assert client.get("/settings/surveys/").status_code == 200
    agent = Client()
    agent.force_login(world.agent)
    assert agent.get("/settings/surveys/").status_code == 403


def test_a_sent_surveys_kind_and_scale_stay(world: Any) -> None:
    from opsdesk.core.errors import ActionError

    request = sent(world)
    with pytest.raises(ActionError) as refused:
        actions.save_survey(
            request.survey,
            name="After solve",
            kind="csat",
            scale=3,
            question="How?",
            delay_minutes=0,
            actor=world.manager,
        )
    assert refused.value.code == "survey_in_use"
    assert Survey.objects.get(pk=request.survey_id).scale == 5


def test_the_portal_asks_the_waiting_survey_on_the_request_and_one_click_answers_it(world: Any) -> None:
    request = sent(world)
    portal = Client()
    portal.force_login(world.customer_user)
    page = portal.get(f"/portal/tickets/{request.ticket_id}/").content.decode()
    assert "How did we do?" in page and "How satisfied are you" in page
    found = re.findall(r'href="(/survey/[A-Za-z0-9_:.-]+/)"', page)
    assert len(found) == 5  # one signed link per answer, as in the mail
    assert portal.get(found[4]).status_code == 200
    request.refresh_from_db()
    assert request.rating == 5
    assert "How did we do?" not in portal.get(f"/portal/tickets/{request.ticket_id}/").content.decode()
    # another customer's waiting survey is theirs alone; past the answer window it is not asked at all
    late = sent(world, request.survey, requester=world.other_customer)
    assert late.state == "sent"
    assert actions.awaiting_answer(late.ticket, world.other_customer) == late
    assert actions.awaiting_answer(late.ticket, world.customer) is None
    type(late).objects.filter(pk=late.pk).update(sent_at=timezone.now() - timedelta(days=29))
    assert actions.awaiting_answer(late.ticket, world.other_customer) is None


def test_a_chat_survey_is_scheduled_when_the_chat_ends_and_a_solve_survey_when_the_ticket_is_solved(world: Any) -> None:
    from opsdesk.messaging.actions import chat as chat_actions
    from opsdesk.messaging.tests.chat_helpers import make_widget, online

    after_solve = csat(world)
    after_chat = actions.save_survey(
        None,
        name="After chat",
        kind="csat",
        scale=2,
        question="Did the chat help?",
        moment="chat_ended",
        delay_minutes=5,
        actor=world.manager,
    )
    widget = make_widget(world)
    online(world.agent)
    started = chat_actions.start_chat(widget, name="Vera", email="vera@visitor.example", language="en", message="Hi")
    assert started.session is not None
    session = chat_actions.accept_chat(started.session, actor=world.agent)
    session = chat_actions.end_chat(session, ended_by="agent", actor=world.agent)
    ticket = Ticket.objects.get(pk=session.ticket_id)
    handle(ticket)
    ended = TicketEvent.objects.get(ticket=ticket, kind="chat.ended")
    request = SurveyRequest.objects.get(ticket=ticket)
    assert (request.survey, request.cause_event, request.due_at) == (
        after_chat,
        ended.pk,
        ended.at + timedelta(minutes=5),
    )
    assert (request.agent, request.kind, request.scale) == (world.agent, "csat", 2)
    solved = solve(ticket, world)  # the ticket solved afterwards: the survey after solving, not the chat's again
    assert solved.survey == after_solve
    assert SurveyRequest.objects.filter(ticket=ticket).count() == 2
    with pytest.raises(ActionError) as wrong:
        actions.save_survey(None, name="X", kind="csat", question="Q?", moment="later", actor=world.manager)
    assert wrong.value.field == "moment"
