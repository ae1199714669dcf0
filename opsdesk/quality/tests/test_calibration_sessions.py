"""Calibration sessions: the calibrator and a colleague score the same tickets blind on one scorecard version; until
the calibrator reveals the session, nobody sees another's score; revealed, the page shows every score, each
reviewer's bias and mean deviation from the baseline, and the items rated most differently. Calibration reviews
never reach the agent, the ticket's history or the review lists."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from opsdesk.core.errors import ActionError
from opsdesk.quality.actions import calibration, reviews
from opsdesk.quality.models import CalibrationSession, Review
from opsdesk.tickets.models import TicketEvent

SOURCE = "Tone\n- Polite [binary]\n- Clear [5 points, weight 3]"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_blind_calibration_revealed_with_the_deviations(world: Any) -> None:
    card = reviews.save_scorecard(None, name="Email", source=SOURCE, actor=world.lead)
    one, two = world.ticket(), world.ticket(subject="Second")
    lead, manager = signed_in(world.lead), signed_in(world.manager)
    page = lead.post(
        "/quality/calibrations/new/",
        {
            "name": "Week 48",
            "scorecard": card.pk,
            "tickets": f"#{one.pk}, {two.pk}",
            "participants": [world.manager.pk],
        },
    )
    assert page.status_code == 302
    session = CalibrationSession.objects.get()
    assert session.tickets == [one.pk, two.pk] and session.version.number == 1
    # the calibrator's baseline: one 100 (polite, clear 5), two 62.5 (polite, clear 3 → 50 × 3 + 100 = 250 / 4)
    assert (
        lead.post(
            f"/quality/calibrations/{session.pk}/tickets/{one.pk}/", {"item_polite": "2", "item_clear": "5"}
        ).status_code
        == 302
    )
    assert (
        lead.post(
            f"/quality/calibrations/{session.pk}/tickets/{two.pk}/", {"item_polite": "2", "item_clear": "3"}
        ).status_code
        == 302
    )
    # the colleague: one 81.25 (clear 4: 75 × 3 + 100 = 325 / 4), two 62.5 (the same)
    assert (
        manager.post(
            f"/quality/calibrations/{session.pk}/tickets/{one.pk}/", {"item_polite": "2", "item_clear": "4"}
        ).status_code
        == 302
    )
    blind = manager.get(f"/quality/calibrations/{session.pk}/").content.decode()
    assert "100.0" not in blind and "Bias" not in blind
    theirs = Review.objects.get(calibration=session, reviewer=world.lead, ticket=one)
    assert manager.get(f"/quality/reviews/{theirs.pk}/").status_code == 404  # blind
    assert manager.post(f"/quality/calibrations/{session.pk}/reveal/").status_code == 403  # only the calibrator
    manager.post(f"/quality/calibrations/{session.pk}/tickets/{two.pk}/", {"item_polite": "2", "item_clear": "3"})
    assert lead.post(f"/quality/calibrations/{session.pk}/reveal/").status_code == 302
    found = calibration.report(session)
    mona = found.reviewers[world.manager.pk]
    assert (mona.bias, mona.mad, mona.item_agreement, mona.critical_mismatch, mona.calibrated) == (
        -9.375,  # (81.25 − 100 + 62.5 − 62.5) / 2
        9.375,
        0.75,
        0,
        False,
    )
    assert found.baseline is True and found.spread[0][0] == "clear"
    shown = manager.get(f"/quality/calibrations/{session.pk}/").content.decode()
    assert "-9.4" in shown and "81.3" in shown and "75 %" in shown and "Clear <span" in shown
    assert manager.get(f"/quality/reviews/{theirs.pk}/").status_code == 200  # revealed
    with pytest.raises(ActionError) as late:
        calibration.score_blind(session, one.pk, ratings={"polite": 1, "clear": 1}, actor=world.manager)
    assert late.value.code == "revealed"
    # never on the ticket's history, never in the review lists, never to the agent
    assert not TicketEvent.objects.filter(kind="qa.reviewed").exists()
    assert "Week 48" not in signed_in(world.agent).get("/quality/").content.decode()
    assert Review.objects.visible_to(world.agent).count() == 0
    home = lead.get("/quality/").content.decode()
    mine = Review.objects.get(calibration=session, reviewer=world.lead, ticket=two)
    assert "Week 48" in home and f"/quality/reviews/{mine.pk}/" not in home


def test_a_calibration_needs_tickets_one_can_see_and_another_reviewer(world: Any) -> None:
    card = reviews.save_scorecard(None, name="Email", source=SOURCE, actor=world.lead)
    hidden = world.ticket(team=world.billing)
    lead = signed_in(world.lead)
    page = lead.post(
        "/quality/calibrations/new/",
        {"name": "W", "scorecard": card.pk, "tickets": f"{hidden.pk}, abc", "participants": [world.manager.pk]},
    )
    assert page.status_code == 400 and "“abc” is not a ticket number." in page.context["form"].errors["tickets"][0]
    with pytest.raises(ActionError) as unseen:
        calibration.start_session(card, name="W", tickets=[hidden.pk], participants=[world.manager], actor=world.lead)
    assert unseen.value.field == "tickets"
    with pytest.raises(ActionError) as alone:
        calibration.start_session(
            card, name="W", tickets=[world.ticket().pk], participants=[world.agent], actor=world.lead
        )
    assert alone.value.field == "participants"


def test_calibration_over_time_shows_each_reviewers_deviation_session_by_session(world: Any) -> None:
    card = reviews.save_scorecard(None, name="Email", source=SOURCE, actor=world.lead)
    ticket = world.ticket()
    for name, clear in (("Week 47", 3), ("Week 48", 5)):  # the colleague's clear: 3 then 5; the baseline's 5
        session = calibration.start_session(
            card, name=name, tickets=[ticket.pk], participants=[world.manager], actor=world.lead
        )
        calibration.score_blind(session, ticket.pk, ratings={"polite": 2, "clear": 5}, actor=world.lead)
        calibration.score_blind(session, ticket.pk, ratings={"polite": 2, "clear": clear}, actor=world.manager)
        calibration.reveal(session, actor=world.lead)
    calibration.start_session(card, name="Week 49", tickets=[ticket.pk], participants=[world.manager], actor=world.lead)
    past = calibration.history(world.lead)
    assert [entry.session.name for entry in past] == ["Week 47", "Week 48"]  # revealed only, oldest first
    first, second = (entry.reviewers[world.manager.pk] for entry in past)
    assert (first.mad, first.bias, first.calibrated) == (37.5, -37.5, False)  # clear 50 × 3 + 100 = 250 / 4
    assert (second.mad, second.bias, second.calibrated) == (0.0, 0.0, True)
    assert [entry.top_item for entry in past] == ["Clear", ""]
    page = signed_in(world.lead).get("/quality/calibrations/").content.decode()
    assert "Week 47" in page and "Week 48" in page and "Week 49" not in page
    assert "37.5 <span" in page and "(-37.5)" in page and "✓" in page
    assert calibration.history(world.agent) == []
