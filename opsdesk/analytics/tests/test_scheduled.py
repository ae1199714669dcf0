"""Scheduled reports: the subscription actions and their rules, the hourly job (once per period, in the recipient's
language, with the XLSX attached, through the durable outbox), the signed unsubscribe link, and the pages."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail, signing
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from openpyxl import load_workbook

from opsdesk.accounts import actions as account_actions
from opsdesk.analytics import scheduled, tasks
from opsdesk.analytics.actions import reports as actions
from opsdesk.analytics.models import ReportSubscription
from opsdesk.analytics.periods import Period
from opsdesk.analytics.tests import desk
from opsdesk.audit.models import AuditEvent
from opsdesk.core.errors import ActionError
from opsdesk.core.models import OutgoingMail, OutgoingMailFile


def html_of(sent: Any) -> str:
    """The HTML part of a sent mail (the outbox sends both parts)."""
    assert isinstance(sent, EmailMultiAlternatives)
    return str(sent.alternatives[0][0])


NEXT_MONDAY = datetime(2027, 3, 8, 6, 0, tzinfo=UTC)  # 08:00 in Helsinki: last week ended seven hours ago


@pytest.fixture
def built(world: Any) -> dict[str, Any]:
    return desk.build(world)


def outside(world: Any, **kwargs: Any) -> ReportSubscription:
    values = {"frequency": "weekly", "email": "board@partner.example", "language": "fi", "actor": world.manager}
    values.update(kwargs)
    return actions.subscribe(**values)


# --- periods --------------------------------------------------------------------------------------------------------


def test_each_frequency_reports_on_its_last_whole_period() -> None:
    wednesday = date(2027, 3, 10)
    assert scheduled.latest_period("daily", wednesday) == Period(date(2027, 3, 9), date(2027, 3, 9))
    assert scheduled.latest_period("weekly", wednesday) == Period(date(2027, 3, 1), date(2027, 3, 7))
    assert scheduled.latest_period("weekly", date(2027, 3, 8)) == Period(date(2027, 3, 1), date(2027, 3, 7))
    assert scheduled.latest_period("monthly", wednesday) == Period(date(2027, 2, 1), date(2027, 2, 28))
    assert scheduled.latest_period("monthly", date(2027, 1, 1)) == Period(date(2026, 12, 1), date(2026, 12, 31))
    assert scheduled.compare_period("monthly", Period(date(2027, 3, 1), date(2027, 3, 31))) == Period(
        date(2027, 2, 1), date(2027, 2, 28)
    )


def test_a_period_is_due_an_hour_after_it_ended_in_the_reporting_zone(world: Any) -> None:
    subscription = outside(world)
    sunday_late = datetime(2027, 3, 7, 22, 30, tzinfo=UTC)  # Monday 00:30 in Helsinki
    assert scheduled.due_period(subscription, sunday_late) == Period(date(2027, 2, 22), date(2027, 2, 28))
    monday = datetime(2027, 3, 7, 23, 0, tzinfo=UTC)  # Monday 01:00 in Helsinki
    assert scheduled.due_period(subscription, monday) == desk.WEEK
    subscription.last_period_start = desk.WEEK.start
    assert scheduled.due_period(subscription, monday) is None


# --- the actions ----------------------------------------------------------------------------------------------------


def test_subscribing_checks_the_recipient_and_records_it(world: Any) -> None:
    subscription = outside(world, email=" Board@Partner.example ", team=world.support)
    assert (subscription.email, subscription.language, subscription.team, subscription.is_active) == (
        "board@partner.example",
        "fi",
        world.support,
        True,
    )
    event = AuditEvent.objects.get(verb="report_subscription.created")
    assert event.actor == world.manager and event.target_id == str(subscription.pk)
    assert event.data == {
        "frequency": "weekly",
        "user": None,
        "email": "board@partner.example",
        "language": "fi",
        "team": world.support.pk,
        "is_active": True,
    }
    lead = actions.subscribe(frequency="daily", user=world.lead, team=world.support, actor=world.admin)
    assert (lead.user, lead.email, lead.language) == (world.lead, "", "")


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"email": ""}, "required", "user"),
        ({"user": "agent"}, "both", "email"),
        ({"email": "not an address"}, "invalid_email", "email"),
        ({"email": "agent@example.com"}, "is_user", "email"),
        ({"language": "de"}, "invalid_language", "language"),
        ({"frequency": "hourly"}, "invalid_frequency", "frequency"),
        ({"email": "", "user": "agent"}, "cannot_view", "user"),  # an agent sees no reports
        ({"email": "", "user": "lead"}, "team_not_visible", "team"),  # a lead sees their team, not the desk
        ({"email": "", "user": "lead", "team": "billing"}, "team_not_visible", "team"),
    ],
)
def test_subscribing_refuses_with_the_field_at_fault(world: Any, kwargs: dict[str, Any], code: str, field: str) -> None:
    objects = {"agent": world.agent, "lead": world.lead, "billing": world.billing}
    values = {k: objects.get(v, v) if k in ("user", "team") else v for k, v in kwargs.items()}
    with pytest.raises(ActionError) as refused:
        outside(world, **values)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert not ReportSubscription.objects.exists()


def test_only_those_who_manage_reports_subscribe(world: Any) -> None:
    with pytest.raises(ActionError) as refused:
        outside(world, actor=world.lead)
    assert refused.value.status == 403
    with pytest.raises(ActionError) as twice:
        outside(world)
        outside(world)
    assert (twice.value.code, twice.value.field) == ("duplicate", "frequency")


def test_changing_and_stopping_a_subscription(world: Any) -> None:
    subscription = outside(world)
    actions.update_subscription(subscription, frequency="monthly", language="sv", team=None, actor=world.manager)
    subscription.refresh_from_db()
    assert (subscription.frequency, subscription.language) == ("monthly", "sv")
    changed = AuditEvent.objects.get(verb="report_subscription.changed")
    assert changed.data["before"]["frequency"] == "weekly" and changed.data["after"]["language"] == "sv"
    actions.unsubscribe(subscription, actor=world.manager)
    actions.unsubscribe(subscription, actor=world.manager)  # a second click changes nothing
    subscription.refresh_from_db()
    assert subscription.is_active is False
    assert AuditEvent.objects.filter(verb="report_subscription.stopped").count() == 1


# --- sending --------------------------------------------------------------------------------------------------------


def test_the_job_sends_each_period_once_in_the_recipients_language(
    world: Any, built: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    subscription = outside(world)  # Finnish
    with time_machine.travel(NEXT_MONDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        tasks.send_scheduled_reports.call_local()
        tasks.send_scheduled_reports.call_local()  # the next hour, or a second worker: nothing new
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["board@partner.example"]
    assert sent.subject == "Viikkoraportti: Koko palvelu, 1.3.2027 – 7.3.2027"
    html = html_of(sent)
    assert "Päivä päivältä" in html  # "Day by day", in Finnish
    assert "Luodut tiketit" in html
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"
    [(filename, content, content_type)] = sent.attachments
    assert (filename, content_type) == ("opsdesk-report-2027-03-01-2027-03-07.xlsx", scheduled.spreadsheets.XLSX_TYPE)
    summary = load_workbook(io.BytesIO(content))["Summary"]
    assert summary["A1"].value == "Viikkoraportti"
    assert [c.value for c in summary[9]][:4] == ["Luodut tiketit", 3, 0, "=B9-C9"]
    row = OutgoingMail.objects.get(kind="analytics.report")
    assert (row.state, row.language, row.file_count) == ("sent", "fi", 1)
    assert OutgoingMailFile.objects.get(mail=row).filename == filename
    subscription.refresh_from_db()
    assert subscription.last_period_start == date(2027, 3, 1)
    with (
        time_machine.travel(NEXT_MONDAY + timedelta(days=7), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.send_scheduled_reports.call_local()
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "Viikkoraportti: Koko palvelu, 8.3.2027 – 14.3.2027"


def test_a_user_gets_it_in_their_own_language_with_what_they_may_see(
    world: Any, built: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    account_actions.set_preferences(world.lead, language="sv", time_zone="Europe/Helsinki", actor=world.lead)
    actions.subscribe(frequency="weekly", user=world.lead, team=world.support, language="el", actor=world.manager)
    with time_machine.travel(NEXT_MONDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        tasks.send_scheduled_reports.call_local()
    sent = mail.outbox[0]
    assert len(mail.outbox) == 1
    assert sent.to == ["lead@example.com"]
    assert sent.subject == "Veckorapport: Grupp: Support, 2027-03-01 – 2027-03-07"
    assert "Dag för dag" in html_of(sent)
    assert "Per grupp" not in html_of(sent)  # a team's report has no table of teams


def test_a_recipient_who_lost_access_gets_nothing_and_the_period_is_done(
    world: Any, built: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    subscription = actions.subscribe(frequency="weekly", user=world.lead, team=world.support, actor=world.manager)
    account_actions.update_user(
        world.lead,
        name=world.lead.name,
        role="agent",
        language="en",
        time_zone="Europe/Helsinki",
        is_active=True,
        actor=world.admin,
    )
    with time_machine.travel(NEXT_MONDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        tasks.send_scheduled_reports.call_local()
    assert mail.outbox == []
    subscription.refresh_from_db()
    assert subscription.last_period_start == date(2027, 3, 1)


def test_a_rolled_back_send_leaves_neither_mail_nor_file(world: Any, built: dict[str, Any]) -> None:
    from django.db import transaction

    subscription = outside(world)
    with time_machine.travel(NEXT_MONDAY, tick=False), pytest.raises(RuntimeError), transaction.atomic():
        actions.send_due(subscription.pk)
        raise RuntimeError("the worker died")
    assert not OutgoingMail.objects.filter(kind="analytics.report").exists()
    assert not OutgoingMailFile.objects.exists()
    subscription.refresh_from_db()
    assert subscription.last_period_start is None


# --- the unsubscribe link -------------------------------------------------------------------------------------------


def test_the_link_in_the_mail_stops_the_report_without_signing_in(
    client: Client, world: Any, built: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    subscription = outside(world, language="en")
    with time_machine.travel(NEXT_MONDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        tasks.send_scheduled_reports.call_local()
    sent = mail.outbox[0]
    assert len(mail.outbox) == 1
    link = sent.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in str(sent.body) and link in html_of(sent)
    path = link.removeprefix("http://127.0.0.1:8000")
    page = client.get(path)
    assert page.status_code == 200 and "Stop this report?" in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"
    subscription.refresh_from_db()
    assert subscription.is_active is True  # a mail scanner opening the link stops nothing
    done = client.post(path)
    assert done.status_code == 200 and "receives this report no more" in done.content.decode()
    subscription.refresh_from_db()
    assert subscription.is_active is False
    event = AuditEvent.objects.get(verb="report_subscription.stopped")
    assert event.actor is None and event.data["by"] == "recipient"


def test_forged_and_expired_links_are_refused_with_a_clear_page(client: Client, world: Any) -> None:
    subscription = outside(world)
    token = scheduled.unsubscribe_token(subscription)
    forged = signing.dumps({"s": subscription.pk, "r": "0" * 16}, salt=scheduled.TOKEN_SALT)
    other_key = signing.dumps({"s": subscription.pk, "r": "x"}, salt=scheduled.TOKEN_SALT, key="not-our-secret-key")
    for bad in (token[:-2] + "xx", forged, other_key, "not-a-token"):
        page = client.post(f"/analytics/reports/unsubscribe/{bad}/")
        assert page.status_code == 400
        assert "This link is not valid" in page.content.decode()
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(days=scheduled.TOKEN_DAYS + 1)):
        page = client.post(f"/analytics/reports/unsubscribe/{token}/")
    assert page.status_code == 400 and "This link has expired" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.is_active is True


def test_the_unsubscribe_page_is_rate_limited_per_address(client: Client, world: Any) -> None:
    from opsdesk.analytics.views.reports import UNSUBSCRIBE_LIMIT

    codes = [client.get("/analytics/reports/unsubscribe/x/").status_code for _ in range(UNSUBSCRIBE_LIMIT + 1)]
    assert codes == [400] * UNSUBSCRIBE_LIMIT + [429]
    refused = client.post("/analytics/reports/unsubscribe/x/")
    assert refused.status_code == 429 and "Too many requests" in refused.content.decode()


# --- the pages ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_reads_a_fixed_number_of_queries(
    client: Client, world: Any, django_assert_num_queries: Any, count: int
) -> None:
    for n in range(count):
        outside(world, email=f"reader{n}@partner.example", team=world.support if n % 2 else None)
    client.force_login(world.manager)
    with django_assert_num_queries(5):
        page = client.get("/analytics/reports/")
    assert len(page.context["subscriptions"]) == count


def test_adding_one_through_the_form(client: Client, world: Any) -> None:
    client.force_login(world.manager)
    refused = client.post("/analytics/reports/", {"email": "x@partner.example", "frequency": "weekly"})
    assert refused.status_code == 400
    assert refused.context["form"].errors == {"language": ["Choose the language of the report."]}
    assert not ReportSubscription.objects.exists()
    done = client.post("/analytics/reports/", {"email": "x@partner.example", "frequency": "weekly", "language": "el"})
    assert done.status_code == 302
    assert ReportSubscription.objects.get().language == "el"


def test_the_preview_is_the_mail_that_would_be_sent(
    client: Client, world: Any, built: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    query = f"frequency=weekly&language=fi&email=board%40partner.example&team={world.support.pk}"
    with time_machine.travel(NEXT_MONDAY, tick=False):
        client.force_login(world.manager)
        page = client.get(f"/analytics/reports/preview/?{query}")
        frame = client.get(f"/analytics/reports/preview/email/?{query}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Viikkoraportti: Tiimi: Support, 1.3.2027 – 7.3.2027" in text
    assert "opsdesk-report-2027-03-01-2027-03-07.xlsx" in text
    assert frame.status_code == 200 and frame["X-Frame-Options"] == "SAMEORIGIN"
    assert frame["Content-Security-Policy"] == scheduled_csp()
    outside(world, team=world.support)
    with time_machine.travel(NEXT_MONDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        tasks.send_scheduled_reports.call_local()
    sent = mail.outbox[0]
    assert len(mail.outbox) == 1
    link = sent.extra_headers["List-Unsubscribe"].strip("<>")
    # the same mail; only the unsubscribe link of a subscription not saved yet names no subscription (and the page
    # names the address it was asked on, the job the address served on: core/site.py)
    preview_link = "http://testserver/analytics/reports/unsubscribe/preview/"
    assert frame.content.decode().replace(preview_link, link) == html_of(sent)


def scheduled_csp() -> str:
    from opsdesk.analytics.views.reports import PREVIEW_CSP

    return PREVIEW_CSP


def test_the_preview_shows_what_is_wrong(client: Client, world: Any) -> None:
    client.force_login(world.manager)
    page = client.get(f"/analytics/reports/preview/?frequency=weekly&user={world.lead.pk}")
    assert page.status_code == 400
    assert page.context["form"].errors == {
        "team": ["Leo Lead sees the figures of their own teams only: choose one of them."]
    }
    assert client.get("/analytics/reports/preview/email/?frequency=often").status_code == 400


def test_editing_one_through_the_form(client: Client, world: Any) -> None:
    subscription = outside(world)
    client.force_login(world.manager)
    page = client.get(f"/analytics/reports/{subscription.pk}/")
    assert page.status_code == 200 and page.context["form"]["frequency"].value() == "weekly"
    refused = client.post(f"/analytics/reports/{subscription.pk}/", {"frequency": "daily", "language": "xx"})
    assert refused.status_code == 400 and list(refused.context["form"].errors) == ["language"]
    done = client.post(
        f"/analytics/reports/{subscription.pk}/",
        {"frequency": "daily", "language": "ru", "team": world.billing.pk, "is_active": "on"},
    )
    assert done.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.frequency, subscription.language, subscription.team, subscription.is_active) == (
        "daily",
        "ru",
        world.billing,
        True,
    )
    assert client.post(f"/analytics/reports/{subscription.pk}/stop/").status_code == 302
    subscription.refresh_from_db()
    assert subscription.is_active is False
    client.force_login(world.lead)
    assert client.get(f"/analytics/reports/{subscription.pk}/").status_code == 403


def test_the_command_queues_what_is_due_once(world: Any, built: dict[str, Any]) -> None:
    from io import StringIO

    from django.core.management import call_command

    outside(world)
    outputs = []
    with time_machine.travel(NEXT_MONDAY, tick=False):
        for _ in range(2):
            out = StringIO()
            call_command("send_reports", stdout=out)
            outputs.append(out.getvalue().strip())
    assert outputs == ["Queued 1 reports of 1 active subscriptions.", "Queued 0 reports of 1 active subscriptions."]
    assert OutgoingMail.objects.filter(kind="analytics.report").count() == 1
