"""The customer feedback report: the page with every comment and its topics, the XLSX (opened again with openpyxl,
exact cells; a comment starting with "=" stays text), and the read-only link for another department (no sign-in,
no ticket links or customer names, comments only when chosen; a wrong, withdrawn or expired link is a 404 page)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from opsdesk.analytics.actions import sharing
from opsdesk.analytics.models import DashboardShare
from opsdesk.quality import actions
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets.actions.common import default_status
from opsdesk.tickets.models import Ticket


def answered(world: Any, survey: Any, rating: int, comment: str, *, who: str, hours_ago: int = 2) -> Ticket:
    ticket = world.ticket(subject=f"About {comment[:10]}", requester=None, requester_email=f"{who}@example.org")
    ticket_actions.reply_to_ticket(ticket, body="Here you go", actor=world.agent)
    ticket_actions.change_status(ticket, status=default_status("solved"), actor=world.agent)
    now = timezone.now() - timedelta(hours=hours_ago)
    event = ticket.events.filter(kind="status.changed").latest("pk")
    (request,) = actions.schedule_after_solve(ticket.pk, cause_event=event.pk, solved_at=now, surveys=[survey])
    sent = actions.send(request.pk, now=now)
    assert sent is not None and sent.state == "sent", sent and sent.skip_reason
    actions.answer(sent, rating=rating, comment=comment, now=now + timedelta(minutes=5))
    return ticket


def feedback_world(world: Any) -> tuple[Any, list[Ticket]]:
    survey = actions.save_survey(None, name="CSAT", kind="csat", question="How?", delay_minutes=0, actor=world.manager)
    tickets = [
        answered(world, survey, 5, "Quick and friendly refund", who="ann", hours_ago=30),
        answered(world, survey, 1, '=HYPERLINK("http://evil.example") <script>alert(1)</script> refund late', who="bo"),
        answered(world, survey, 4, "", who="cy", hours_ago=3),
    ]
    return survey, tickets


def test_the_report_page_lists_each_comment_with_its_topics_and_links_its_ticket(world: Any) -> None:
    _survey, tickets = feedback_world(world)
    client = Client()
    client.force_login(world.manager)
    page = client.get("/quality/feedback/?days=7")
    text = page.content.decode()
    assert page.status_code == 200
    assert "2 comments in the period; the newest 2 are shown here, every one is in the spreadsheet." in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert(1)" not in text
    assert f'href="/tickets/{tickets[0].pk}/"' in text and f'href="/tickets/{tickets[2].pk}/"' not in text
    assert "refund" in text and 'name="label"' in text  # the manager may share it
    assert text.index("refund late") < text.index("Quick and friendly")  # newest first
    lead = Client()
    lead.force_login(world.lead)
    assert 'name="label"' not in lead.get("/quality/feedback/").content.decode()  # leads read, managers share


def test_the_xlsx_holds_the_figures_topics_and_every_comment_as_text(world: Any) -> None:
    feedback_world(world)
    client = Client()
    client.force_login(world.manager)
    response = client.get("/quality/feedback/export.xlsx?days=7")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="opsdesk-feedback-')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Figures", "Topics", "Comments"]
    figures = [[cell.value for cell in row] for row in book["Figures"].iter_rows(min_row=3)]
    assert figures[0] == ["Figure", "This period", "n", "Period before", "n"]
    assert figures[1] == ["CSAT, % satisfied", 66.7, 3, None, 0]  # 2 of 3 satisfied (4 and 5)
    assert figures[4] == ["Response rate, %", 100.0, 3, None, 0]
    comments = [[cell.value for cell in row] for row in book["Comments"].iter_rows(min_row=2)]
    assert len(comments) == 2
    assert comments[0][1:6] == [
        "CSAT",
        "1 / 5",
        "yes",
        "en",
        '=HYPERLINK("http://evil.example") <script>alert(1)</script> refund late',
    ]
    assert book["Comments"]["F2"].data_type == "s"  # text, not a formula
    assert comments[1][1:6] == ["CSAT", "5 / 5", "no", "en", "Quick and friendly refund"]
    assert "refund" in comments[1][6]
    topics = [[cell.value for cell in row] for row in book["Topics"].iter_rows(min_row=2)]
    assert ["Rising", "en", "refund", 2, 100.0, 0.0, 100.0, 50.0] in topics


def test_a_read_only_link_shows_the_report_without_sign_in_and_stops_when_withdrawn(world: Any) -> None:
    _survey, tickets = feedback_world(world)
    manager = Client()
    manager.force_login(world.manager)
    made = manager.post("/analytics/shares/feedback/", {"label": "Product", "valid_days": "7", "days": "30"})
    assert made.status_code == 200
    share = DashboardShare.objects.get()
    assert (share.kind, share.params, share.created_by_id) == (
        "feedback",
        {"days": "30", "comments": "0"},
        world.manager.pk,
    )
    link = made.context["link"]
    path = link[link.index("/shared/") :]
    outsider = Client()
    page = outsider.get(path)
    text = page.content.decode()
    assert page.status_code == 200 and page["X-Robots-Tag"] == "noindex"
    assert "Customer feedback" in text and "shared read-only with Product" in text
    assert "refund late" not in text  # comments were not chosen
    assert f"/tickets/{tickets[0].pk}/" not in text and tickets[0].requester.emails.get().address not in text
    assert outsider.get(path + "feedback.xlsx").status_code == 200
    _share, raw = sharing.share_feedback(label="Logistics", days=3, period_days=7, comments=True, actor=world.manager)
    with_comments = outsider.get(f"/shared/dashboard/{raw}/").content.decode()
    assert "refund late" in with_comments and "&lt;script&gt;" in with_comments
    from opsdesk.accounts.actions import update_user

    m = world.manager
    update_user(
        m, name=m.name, role="team_lead", language=m.language, time_zone=m.time_zone, is_active=True, actor=world.admin
    )
    assert outsider.get(f"/shared/dashboard/{raw}/").status_code == 404  # its author no longer shares reports
    update_user(
        m, name=m.name, role="manager", language=m.language, time_zone=m.time_zone, is_active=True, actor=world.admin
    )
    assert outsider.get(f"/shared/dashboard/{raw}/").status_code == 200
    sharing.revoke_share(share, actor=world.manager)
    gone = outsider.get(path)
    assert gone.status_code == 404 and "This link does not work" in gone.content.decode()
    assert outsider.get(path + "feedback.xlsx").status_code == 404
    assert outsider.get("/shared/dashboard/not-a-token/feedback.xlsx").status_code == 404


def test_bad_share_input_is_refused_with_a_message_and_nothing_saved(world: Any) -> None:
    manager = Client()
    manager.force_login(world.manager)
    empty = manager.post("/analytics/shares/feedback/", {"label": " ", "valid_days": "7", "days": "30"}, follow=True)
    assert "Enter a name." in empty.content.decode()
    period = manager.post(
        "/analytics/shares/feedback/", {"label": "Product", "valid_days": "7", "days": "45"}, follow=True
    )
    assert "Choose 7, 30 or 90 days." in period.content.decode()
    long = manager.post(
        "/analytics/shares/feedback/", {"label": "Product", "valid_days": "91", "days": "30"}, follow=True
    )
    assert "A link works for 1 to 90 days." in long.content.decode()
    assert manager.post("/analytics/shares/feedback/", {"label": "P", "valid_days": "x"}).status_code == 400
    assert not DashboardShare.objects.exists()
    lead = Client()
    lead.force_login(world.lead)
    assert lead.post("/analytics/shares/feedback/", {"label": "P", "valid_days": "7", "days": "30"}).status_code == 403
