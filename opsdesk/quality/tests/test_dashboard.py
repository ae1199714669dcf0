"""The quality dashboard on hand-worked answers: CSAT, NPS, CES, the response rate and IQS for the period, the week
by week table, per agent, and the drill-down to the answers (all, or only the negative ones) and reviews behind
them; a lead of one team sees only the figures of the tickets they see."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from opsdesk.quality import actions, dashboard
from opsdesk.quality.actions import reviews
from opsdesk.quality.models import Review, Survey, SurveyRequest


def answered(
    world: Any, survey: Survey, rating: int, *, team: Any = None, comment: str = "", language: str = "en"
) -> SurveyRequest:
    ticket = world.ticket(team=team or world.support)
    now = timezone.now()
    request = SurveyRequest.objects.create(
        survey=survey,
        ticket=ticket,
        customer=ticket.requester,
        cause_event=ticket.pk * 1000 + rating,
        kind=survey.kind,
        scale=survey.scale,
        due_at=now,
        state="sent",
        sent_at=now - timedelta(hours=1),
        agent=world.agent,
        team=ticket.team,
        address="carl@acme.example",
        language=language,
    )
    actions.answer(request, rating=rating, comment=comment)
    return request


@pytest.fixture
def answers(world: Any) -> dict[str, Any]:
    csat = actions.save_survey(None, name="CSAT", kind="csat", question="How?", actor=world.manager)
    nps = actions.save_survey(None, name="NPS", kind="nps", question="Recommend?", actor=world.manager)
    ces = actions.save_survey(None, name="CES", kind="ces", question="Easy?", actor=world.manager)
    for rating in (5, 4, 3, 1):  # 2 of 4 satisfied: 50 %
        answered(world, csat, rating, comment="Slow" if rating == 1 else "")
    for rating in (10, 9, 8, 3):  # 2 promoters, 1 detractor of 4: NPS 25
        answered(world, nps, rating)
    for rating in (7, 5, 2):  # mean 4.67, 2 of 3 agree
        answered(world, ces, rating)
    answered(world, csat, 1, team=world.billing)  # a ticket of another team
    SurveyRequest.objects.create(  # sent, not answered: the response rate's denominator
        survey=csat,
        ticket=world.ticket(),
        customer=world.customer,
        cause_event=1,
        kind="csat",
        scale=5,
        due_at=timezone.now(),
        state="sent",
        sent_at=timezone.now(),
    )
    card = reviews.save_scorecard(None, name="Email", source="Tone\n- Polite [5 points]", actor=world.lead)
    for rating in (5, 4, 3):  # 100, 75, 50: IQS 75
        review = reviews.submit_review(
            world.ticket(), scorecard=card, reviewee=world.agent, ratings={"polite": rating}, actor=world.lead
        )
        Review.objects.filter(pk=review.pk).update(sample_reason="random")
    reviews.submit_review(
        world.ticket(), scorecard=card, reviewee=world.agent, ratings={"polite": 1}, actor=world.manager
    )
    return {"csat": csat}


def test_the_periods_figures_are_the_formulas_on_the_answers(world: Any, answers: dict[str, Any]) -> None:
    span = dashboard.period(30, zone="Europe/Helsinki", today=timezone.localdate())
    found = dashboard.figures(world.manager, span)
    assert (found["csat"].n, found["csat"].satisfied) == (5, 40)  # the other team's bad answer counts for a manager
    assert (found["nps"].n, found["nps"].score) == (4, 25)
    assert (found["ces"].n, round(float(found["ces"].mean), 2), round(float(found["ces"].agree), 1)) == (3, 4.67, 66.7)
    assert found["sent"] == 13 and float(found["response_rate"]) == pytest.approx(12 / 13)
    assert (found["iqs"].n, found["iqs"].mean) == (3, 75.0)  # the manual review (not sampled) is left out
    lead = dashboard.figures(world.lead, span)
    assert (lead["csat"].n, lead["csat"].satisfied) == (4, 50)  # the lead sees the support team's tickets only
    before = dashboard.figures(world.manager, span.before())
    assert before["csat"].n == 0 and before["iqs"].mean is None
    (agent,) = dashboard.per_agent(world.manager, span)
    assert (agent["name"], agent["csat"].n, agent["iqs"].n, agent["iqs"].low_sample) == ("Alice Agent", 5, 3, True)
    this_week = dashboard.weekly(world.manager, zone="Europe/Helsinki", today=timezone.localdate())[-1]
    assert (this_week["csat"].n, this_week["nps"].score, this_week["iqs"].mean) == (5, 25, 75.0)


def test_the_page_and_its_drill_down(world: Any, answers: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world.manager)
    page = client.get("/quality/dashboard/?days=30")
    assert page.status_code == 200
    text = page.content.decode()
    assert "40.0 %" in text and ">25" in text and "75.0" in text
    drill = client.get("/quality/dashboard/csat/?days=30&negative=1")
    rows = drill.context["rows"]
    assert [r.rating for r in rows] == [1, 1] and "Slow" in drill.content.decode()
    assert len(client.get("/quality/dashboard/csat/?days=30").context["rows"]) == 5
    assert [float(r.score) for r in client.get("/quality/dashboard/iqs/").context["rows"]] == [50.0, 75.0, 100.0]
    assert client.get("/quality/dashboard/bogus/").status_code == 404
    assert client.get("/quality/dashboard/csat/?page=x").status_code == 400
    agent = Client()
    agent.force_login(world.agent)
    assert agent.get("/quality/dashboard/").status_code == 403


@pytest.mark.parametrize(
    ("kind", "scale"), [("csat", 2), ("csat", 3), ("csat", 4), ("csat", 5), ("csat", 7), ("nps", 11), ("ces", 7)]
)
def test_the_negative_filter_is_the_same_rule_as_the_reason_prompt(world: Any, kind: str, scale: int) -> None:
    survey = Survey.objects.create(name=f"{kind}{scale}", kind=kind, scale=scale, question="?")
    lowest, highest = (0, 10) if kind == "nps" else (1, scale)
    rows = [
        SurveyRequest.objects.create(
            survey=survey,
            ticket=world.ticket(),
            customer=world.customer,
            cause_event=n,
            kind=kind,
            scale=scale,
            due_at=timezone.now(),
            state="sent",
            rating=n,
        )
        for n in range(lowest, highest + 1)
    ]
    filtered = set(SurveyRequest.objects.filter(actions.negative_q(), survey=survey).values_list("rating", flat=True))
    assert filtered == {r.rating for r in rows if actions.is_negative(kind, scale, r.rating or 0)}
    assert Decimal(len(filtered)) > 0


def test_the_page_keeps_its_figures_a_minute_per_scope_and_says_so(world: Any, answers: dict[str, Any]) -> None:
    from django.core.cache import cache

    manager = Client()
    manager.force_login(world.manager)
    first = manager.get("/quality/dashboard/?days=30")
    assert "Figures as of" in first.content.decode() and first.context["now"]["csat"].n == 5
    csat = actions.save_survey(None, name="CSAT 2", kind="csat", question="How?", actor=world.manager)
    answered(world, csat, 5)
    assert manager.get("/quality/dashboard/?days=30").context["now"]["csat"].n == 5  # kept
    lead = Client()
    lead.force_login(world.lead)
    assert lead.get("/quality/dashboard/?days=30").context["now"]["csat"].n == 5  # the lead's own scope, read now
    cache.clear()  # as a minute later
    assert manager.get("/quality/dashboard/?days=30").context["now"]["csat"].n == 6


def test_per_team_csat_is_by_the_team_at_solve(world: Any, answers: dict[str, Any]) -> None:
    span = dashboard.period(30, zone="UTC", today=timezone.localdate())
    rows = {row["name"]: row for row in dashboard.per_team(world.manager, span)}
    assert (rows["Support"]["csat"].n, rows["Support"]["csat"].satisfied) == (4, 50)
    assert (rows["Billing"]["csat"].n, rows["Billing"]["csat"].satisfied) == (1, 0)
    lead_rows = {row["name"] for row in dashboard.per_team(world.lead, span)}
    assert lead_rows == {"Support"}  # the lead sees their team's tickets only
    manager = Client()
    manager.force_login(world.manager)
    page = manager.get("/quality/dashboard/?days=30").content.decode()
    assert "Per team" in page and "Billing" in page
