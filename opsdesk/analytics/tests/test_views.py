"""The analytics pages: who sees which cut, bad parameters (a 400 naming the field, never a 500), query budgets
that do not grow with the tickets, goals through the form, and a ticket's events behind its value."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client

from opsdesk.analytics import rollups
from opsdesk.analytics.models import Goal
from opsdesk.analytics.periods import Period
from opsdesk.analytics.tests.test_rollups import MONDAY, build_desk

WEEK = "start=2027-03-01&end=2027-03-07"


@pytest.fixture
def desk(world: Any) -> dict[str, Any]:
    made = build_desk(world)
    rollups.rebuild()
    return made


@pytest.fixture
def probe(client: Client) -> Client:
    client.raise_request_exception = False
    return client


def error(response: Any) -> tuple[int, str | None]:
    assert "core/error.html" in [t.name for t in response.templates], response.status_code
    return response.status_code, response.context["field"]


BAD = [
    ("period=forever", "period"),
    ("start=2027-03-01", "start"),
    ("start=2027-03-05&end=2027-03-01", "end"),
    ("start=2027-13-01&end=2027-03-01", "start"),
    ("start=2020-01-01&end=2027-01-01", "end"),  # more than two years
    ("team=%C2%B2", "team"),
    ("team=" + "9" * 20, "team"),
    ("agent=" + "1" * 5000, "agent"),
    ("channel=fax", "channel"),
    ("language=xx", "language"),
    ("priority=whenever", "priority"),
    ("organization=-1", "organization"),
    ("tag=" + "x" * 61, "tag"),
    ("bh=perhaps", "bh"),
    ("compare=tomorrow", "compare"),
]
PAGES = ["/analytics/", "/analytics/drill/frt/", "/analytics/overview/", "/analytics/me/"]
# "My figures" replaces any agent given with the reader: that parameter is not read there.
CASES = [(path, q, f) for path in PAGES for q, f in BAD if not (path == "/analytics/me/" and f == "agent")]


@pytest.mark.parametrize(("path", "query", "field"), CASES)
def test_bad_parameters_are_a_400_naming_the_field(
    probe: Client, world: Any, path: str, query: str, field: str
) -> None:
    probe.force_login(world.manager)
    assert error(probe.get(f"{path}?{query}")) == (400, field)


def test_a_bad_part_or_page_in_the_drill_down_is_a_400(probe: Client, world: Any) -> None:
    probe.force_login(world.manager)
    assert error(probe.get(f"/analytics/drill/sla_attainment/?{WEEK}&part=maybe")) == (400, "part")
    assert error(probe.get(f"/analytics/drill/frt/?{WEEK}&page=%C2%B2")) == (400, "page")
    assert probe.get("/analytics/drill/nonsense/").status_code == 404


def test_the_manager_dashboard_shows_the_weeks_figures_with_links_to_the_tickets(
    client: Client, desk: Any, world: Any
) -> None:
    with time_machine.travel(MONDAY.replace(day=10), tick=False):
        client.force_login(world.manager)
        response = client.get(f"/analytics/?{WEEK}&compare=none")
    assert response.status_code == 200
    cards = {card.kpi.key: card for card in response.context["cards"]}
    assert cards["created"].text == "3"
    assert cards["solved"].text == "3"
    assert cards["reopen_rate"].text == "50.0 %"
    body = response.content.decode()
    assert 'href="/analytics/drill/frt/?start=2027-03-01&amp;end=2027-03-07&amp;compare=none"' in body
    assert "Europe/Helsinki" in body


def test_a_lead_sees_their_own_teams_figures_only(probe: Client, desk: Any, world: Any) -> None:
    probe.force_login(world.lead)
    response = probe.get(f"/analytics/?{WEEK}")
    assert response.status_code == 200
    assert response.context["cut"].where.team == world.support.pk  # their team, unasked
    assert {c.kpi.key: c.text for c in response.context["cards"]}["created"] == "2"
    assert probe.get(f"/analytics/?{WEEK}&team={world.billing.pk}").status_code == 403
    assert probe.get(f"/analytics/drill/created/?{WEEK}&team={world.billing.pk}").status_code == 403
    assert probe.get(f"/analytics/overview/?{WEEK}").status_code == 403


def test_an_agent_sees_only_their_own_figures(client: Client, desk: Any, world: Any) -> None:
    client.force_login(world.agent)
    assert client.get("/analytics/")["Location"] == "/analytics/me/"
    response = client.get(f"/analytics/me/?{WEEK}&agent={world.other_agent.pk}")
    assert response.status_code == 200
    assert response.context["cut"].where.agent == world.agent.pk
    cards = {c.kpi.key: c.text for c in response.context["cards"]}
    assert cards["replies"] == "3" and cards["solved"] == "2"
    drill = client.get(f"/analytics/drill/replies/?{WEEK}&agent={world.other_agent.pk}")
    assert [line["ticket"].subject for line in drill.context["lines"]] == ["A", "B", "A"]  # newest first


def test_the_drill_down_lists_the_tickets_counted_and_the_exact_median(client: Client, desk: Any, world: Any) -> None:
    client.force_login(world.manager)
    response = client.get(f"/analytics/drill/frt/?{WEEK}")
    assert response.status_code == 200
    assert [line["ticket"].subject for line in response.context["lines"]] == ["B", "A"]
    assert [line["value"] for line in response.context["lines"]] == ["2 h 0 min", "30 min"]
    assert "exact" not in response.context  # read after the page shows, from:
    exact_url = f"/analytics/drill/frt/exact/?{WEEK.replace('&', '&amp;')}"
    assert f'hx-get="{exact_url}"' in response.content.decode()
    exact = client.get(f"/analytics/drill/frt/exact/?{WEEK}")
    assert exact.context["exact"].value == 4500.0
    assert (
        exact.content.decode().strip() == "median 1 h 15 min · 90th percentile 1 h 51 min · mean 1 h 15 min · 2 tickets"
    )
    assert client.get(f"/analytics/drill/created/exact/?{WEEK}").status_code == 404  # a count has no exact median
    assert "exact-figure" not in client.get(f"/analytics/drill/created/?{WEEK}").content.decode()
    merged = client.get(f"/analytics/drill/created/?{WEEK}")
    assert sorted(line["ticket"].subject for line in merged.context["lines"]) == ["A", "B", "C"]  # not D


def test_drill_pages_run_newest_first_without_gaps_and_without_a_count(
    client: Client, world: Any, django_assert_max_num_queries: Any
) -> None:
    """50 a page, newest first, a next page only while there are rows; for someone who sees every ticket the rows
    are not matched against the ticket table, and nothing counts the whole period."""
    made = [world.ticket(subject=f"Drilled {n}").pk for n in range(61)]
    rollups.rebuild()
    client.force_login(world.manager)
    with django_assert_max_num_queries(20) as first_queries:
        first = client.get("/analytics/drill/created/?period=today")
    # read before the next request, which empties the query log
    facts_reads = [q["sql"] for q in first_queries.captured_queries if "analytics_ticketfacts" in q["sql"]]
    second = client.get("/analytics/drill/created/?period=today&page=2")
    assert (first.context["page"], second.context["page"]) == (
        {"number": 1, "previous": None, "next": 2},
        {"number": 2, "previous": 1, "next": None},
    )
    listed = [line["ticket"].pk for line in first.context["lines"] + second.context["lines"]]
    assert listed == sorted(made, reverse=True)  # created one after another: newest first, each once
    assert "Page 2" in second.content.decode() and 'page=1"' in second.content.decode()
    assert facts_reads and not any("COUNT(" in sql.upper() for sql in facts_reads)
    assert not any('"tickets_ticket"' in sql for sql in facts_reads)


def test_the_events_behind_a_first_response_time(client: Client, desk: Any, world: Any) -> None:
    client.force_login(world.manager)
    response = client.get(f"/analytics/drill/frt/{desk['b'].pk}/?{WEEK}")
    story = response.context["story"]
    assert story.value == "2 h 0 min"
    marks = [(step.mark, step.text) for step in story.steps if step.mark]
    assert marks == [("start", "Ticket created (email)"), ("end", "Public reply by Alice Agent")]
    assert any(step.text == "Internal note by Alice Agent: not a reply" for step in story.steps)
    merged = client.get(f"/analytics/drill/frt/{desk['d'].pk}/")
    assert merged.context["story"].counted is False


def test_dashboard_queries_do_not_grow_with_the_tickets(
    client: Client, desk: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world.manager)
    with django_assert_max_num_queries(40):
        assert client.get(f"/analytics/?{WEEK}").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(f"/analytics/drill/frt/?{WEEK}").status_code == 200
    for n in range(20):
        world.ticket(subject=f"More {n}")
    rollups.rebuild()
    with django_assert_max_num_queries(40):
        assert client.get(f"/analytics/?{WEEK}").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/analytics/drill/created/?period=today").status_code == 200


def test_goals_are_set_with_a_typed_time_and_shown_on_the_dashboard(client: Client, desk: Any, world: Any) -> None:
    client.force_login(world.manager)
    bad = client.post(
        "/analytics/goals/new/",
        {"kpi": "frt", "start": "2027-03-01", "end": "2027-03-31", "statistic": "median", "target": "soon"},
    )
    assert bad.status_code == 400
    assert bad.context["form"].errors["target"] == ["Enter a time such as 1h, 30m or 1d 4h."]
    assert not Goal.objects.exists()
    ok = client.post(
        "/analytics/goals/new/",
        {"kpi": "frt", "start": "2027-03-01", "end": "2027-03-31", "statistic": "median", "target": "1h"},
    )
    assert ok.status_code == 302
    goal = Goal.objects.get()
    assert (goal.kpi, goal.target, goal.start, goal.team_id) == ("frt", 3600.0, date(2027, 3, 1), None)
    with time_machine.travel(MONDAY.replace(day=8), tick=False):
        client.force_login(world.manager)
        response = client.get(f"/analytics/?{WEEK}")
    card = {c.kpi.key: c for c in response.context["cards"]}["frt"]
    assert card.goal is not None and card.goal.status == "at_risk"  # the median so far is above an hour
    assert card.goal_text == "median ≤ 1 h 0 min"
    ratio = client.post(
        "/analytics/goals/new/",
        {"kpi": "sla_attainment", "start": "2027-03-01", "end": "2027-03-31", "statistic": "median", "target": "120"},
    )
    assert ratio.status_code == 400 and ratio.context["form"].errors["target"] == ["A percentage is at most 100."]


def test_a_shared_link_shows_the_dashboard_read_only_until_it_expires_or_is_withdrawn(
    client: Client, desk: Any, world: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from opsdesk.analytics.models import DashboardShare

    client.force_login(world.manager)
    created = client.post(
        "/analytics/shares/new/",
        {"label": "Product", "days": "7", "start": "2027-03-01", "end": "2027-03-07", "tag": ""},
    )
    assert created.status_code == 200
    link = created.context["link"]
    share = DashboardShare.objects.get()
    assert share.params == {"start": "2027-03-01", "end": "2027-03-07"}
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert share.token_hash != token and len(token) >= 40  # only its hash is stored
    client.logout()
    page = client.get(f"/shared/dashboard/{token}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert {c.kpi.key: c.text for c in page.context["cards"]}["created"] == "3"
    assert "/analytics/drill/" not in body and "Printer" not in body  # no way into the tickets
    assert page["Referrer-Policy"] == "no-referrer"
    assert client.get(f"/shared/dashboard/{token}x/").status_code == 404
    DashboardShare.objects.filter(pk=share.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/shared/dashboard/{token}/").status_code == 404
    DashboardShare.objects.filter(pk=share.pk).update(expires_at=timezone.now() + timedelta(days=1))
    client.force_login(world.manager)
    client.post(f"/analytics/shares/{share.pk}/revoke/")
    client.logout()
    gone = client.get(f"/shared/dashboard/{token}/")
    assert gone.status_code == 404 and "does not work" in gone.content.decode()
    refused = Client().post("/analytics/shares/new/", {"label": "x", "days": "7"})
    assert refused.status_code == 302  # to sign in


def test_a_link_for_too_long_or_without_a_name_is_refused(client: Client, world: Any) -> None:
    client.force_login(world.manager)
    client.post("/analytics/shares/new/", {"label": "Product", "days": "365"})
    client.post("/analytics/shares/new/", {"label": "  ", "days": "7"})
    from opsdesk.analytics.models import DashboardShare

    assert not DashboardShare.objects.exists()
    assert client.post("/analytics/shares/new/", {"label": "P", "days": "²"}).status_code == 400


def test_saved_views_keep_the_filters(client: Client, world: Any) -> None:
    client.force_login(world.lead)
    response = client.post(
        "/analytics/views/",
        {"name": "Email, this month", "period": "this_month", "channel": "email", "csrfmiddlewaretoken": "x"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/analytics/?period=this_month&channel=email"
    page = client.get("/analytics/")
    assert page.context["saved_views"] == [{"name": "Email, this month", "query": "period=this_month&channel=email"}]
    bad = client.post("/analytics/views/", {"name": "Broken", "period": "forever"})
    assert bad.status_code == 400


def test_the_exact_figure_is_kept_until_facts_change(desk: Any, world: Any) -> None:
    from opsdesk.analytics import kpis, query

    cut = query.Cut(Period(date(2027, 3, 1), date(2027, 3, 7)))
    frt = kpis.BY_KEY["frt"]
    first = query.exact_figure(cut, frt)
    assert first is not None and first.n == 2
    assert query.exact_figure(cut, frt) == first  # from the cache
    with time_machine.travel(MONDAY.replace(day=2, hour=8), tick=False):
        ticket = world.ticket(subject="E")
        from opsdesk.tickets import actions

        actions.reply_to_ticket(ticket, body="Hello", actor=world.agent)
    rollups.refresh([ticket.pk])
    again = query.exact_figure(cut, frt)
    assert again is not None and again.n == 3


def test_the_largest_64_bit_ids_are_read_and_find_nothing(client: Client, desk: Any, world: Any) -> None:
    # found by the schema probe on PostgreSQL: the facts' id columns were 32-bit ("integer out of range", a 500)
    client.force_login(world.manager)
    big = 2**63 - 1
    response = client.get(f"/analytics/?{WEEK}&organization={big}&agent={big}&team={big}")
    assert response.status_code == 200
    assert {c.kpi.key: c.text for c in response.context["cards"]}["solved"] == "0"
    assert client.get(f"/api/v1/reports/daily?{WEEK}&organization={big}&team={big}").status_code == 200


def test_the_first_response_ranges_are_in_the_readers_language() -> None:
    # found in the demo: the labels were never extracted for translation (an alias xgettext does not know)
    from django.utils import translation

    from opsdesk.analytics.dashboard import distribution_counts

    with translation.override("fi"):
        labels = [row["label"] for row in distribution_counts({})]
    assert labels == ["alle 15 min", "15–60 minuuttia", "1–4 t", "4–8 t", "8–24 t", "1–3 päivää", "yli 3 päivää"]


def test_the_live_strip_counts_the_unsolved_tickets_and_their_clocks_now(client: Client, world: Any) -> None:
    """Backlog, breached and due within the hour, per team; solved tickets and merge sources (closed by the
    merge) are not in the backlog."""
    from datetime import timedelta

    from django.utils import timezone

    from opsdesk.analytics import dashboard, periods
    from opsdesk.analytics.query import Cut
    from opsdesk.tickets import actions
    from opsdesk.tickets.actions.common import default_status
    from opsdesk.tickets.categories import Category
    from opsdesk.tickets.models import Ticket

    now = timezone.now()
    late, soon, later, merged, solved = (world.ticket(subject=s) for s in ("late", "soon", "later", "merged", "done"))
    billing = world.ticket(subject="billing", team=world.billing)
    for ticket, due in ((late, now - timedelta(minutes=5)), (soon, now + timedelta(minutes=30))):
        Ticket.objects.filter(pk=ticket.pk).update(sla_deadline_at=due)  # what the SLA engine stores
    Ticket.objects.filter(pk__in=[later.pk, billing.pk]).update(sla_deadline_at=now + timedelta(hours=3))
    actions.merge_tickets(merged, target=later, actor=world.agent)
    actions.change_status(solved, status=default_status(Category.SOLVED), actor=world.agent)
    rollups.rebuild()
    today = Period(periods.today(), periods.today())
    desk = dashboard.live(Cut(today))
    # created today: six, less the merge source, which no KPI counts
    assert (desk["backlog"], desk["breached"], desk["at_risk"], desk["created"]) == (4, 1, 1, 5)
    team = dashboard.live(Cut(today, rollups.Where(team=world.billing.pk)))
    assert (team["backlog"], team["breached"], team["at_risk"]) == (1, 0, 0)
