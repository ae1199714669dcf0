"""The QA pages: a lead writes a scorecard (errors name the line, the preview shows the arithmetic), reviews a ticket
beside its conversation with a comment on one message, shares it; the agent sees it, acknowledges or disputes it;
another lead decides. Agents never see a review that is not shared with them."""

from __future__ import annotations

from typing import Any

from django.test import Client

from opsdesk.quality.models import Dispute, Review, Scorecard
from opsdesk.tickets import actions as ticket_actions

SOURCE = (
    "Tone [weight 1]\n- Polite [binary]\n- Clear [5 points, weight 2, N/A]\nSolution [weight 2]\n"
    "- Correct [binary, critical]"
)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_lead_builds_a_scorecard_with_a_preview_and_line_numbered_errors(world: Any) -> None:
    lead = signed_in(world.lead)
    broken = lead.post(
        "/quality/scorecards/new/",
        {"name": "Email", "source": "Tone\n- Polite [colour]", "bonus_cap": "100", "is_active": "on"},
    )
    assert broken.status_code == 400
    assert "Line 2: “colour” is not an option here." in broken.context["form"].errors["source"][0]
    assert not Scorecard.objects.exists()
    preview = lead.post(
        "/quality/scorecards/new/", {"source": SOURCE, "preview": "1", "bonus_cap": "100"}, HTTP_HX_REQUEST="true"
    )
    text = preview.content.decode()
    assert preview.status_code == 200 and "33.3 %" in text and "66.7 %" in text and "critical" in text
    saved = lead.post(
        "/quality/scorecards/new/", {"name": "Email", "source": SOURCE, "bonus_cap": "100", "is_active": "on"}
    )
    assert saved.status_code == 302
    card = Scorecard.objects.get()
    assert card.latest_version().number == 1
    assert signed_in(world.agent).get("/quality/scorecards/").status_code == 403


def test_a_review_beside_the_conversation_then_shared_acknowledged_disputed_and_decided(world: Any) -> None:
    lead = signed_in(world.lead)
    lead.post("/quality/scorecards/new/", {"name": "Email", "source": SOURCE, "bonus_cap": "100", "is_active": "on"})
    ticket = world.ticket()
    ticket_actions.reply_to_ticket(ticket, body="Here is the fix.", actor=world.agent)
    reply = ticket.messages.order_by("-pk").first()
    assert reply is not None
    page = lead.get(f"/quality/tickets/{ticket.pk}/review/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Here is the fix." in text and "Polite" in text and f'name="comment_{reply.pk}"' in text
    assert page.context["form"]["reviewee"].value() == world.agent.pk  # the agent with the most public replies
    missing = lead.post(f"/quality/tickets/{ticket.pk}/review/", {"reviewee": world.agent.pk, "item_polite": "2"})
    assert missing.status_code == 400 and not Review.objects.exists()
    done = lead.post(
        f"/quality/tickets/{ticket.pk}/review/",
        {
            "reviewee": world.agent.pk,
            "item_polite": "2",
            "item_clear": "na",
            "item_correct": "2",
            f"comment_{reply.pk}": "Short and right.",
            "summary": "Well done.",
        },
    )
    review = Review.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/quality/reviews/{review.pk}/"
    assert str(review.score) == "100.000" and review.state == "submitted"
    agent = signed_in(world.agent)
    assert agent.get(f"/quality/reviews/{review.pk}/").status_code == 404  # not shared yet
    assert agent.post(f"/quality/reviews/{review.pk}/share/").status_code == 404
    assert lead.post(f"/quality/reviews/{review.pk}/share/").status_code == 302
    shown = agent.get(f"/quality/reviews/{review.pk}/")
    assert shown.status_code == 200 and "Short and right." in shown.content.decode()
    assert (
        agent.post(
            f"/quality/reviews/{review.pk}/dispute/", {"comment": "Clear was applicable.", "item_clear": "5"}
        ).status_code
        == 302
    )
    dispute = Dispute.objects.get()
    assert dispute.proposed == {"clear": 5}
    assert (
        agent.post(f"/quality/disputes/{dispute.pk}/resolve/", {"state": "accepted", "resolution": "ok"}).status_code
        == 403
    )
    decided = signed_in(world.manager).post(
        f"/quality/disputes/{dispute.pk}/resolve/", {"state": "accepted", "resolution": "Agreed, it was clear."}
    )
    assert decided.status_code == 302
    review.refresh_from_db()
    dispute.refresh_from_db()
    assert dispute.state == "accepted" and review.ratings["clear"] == 5 and str(review.score) == "100.000"
    assert signed_in(world.other_agent).get(f"/quality/reviews/{review.pk}/").status_code == 404
    history = lead.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "QA review of Alice Agent: 100.00" in history
    assert "QA review disputed by Alice Agent" in history


def test_a_lead_draws_a_sample_with_chosen_pools_and_tags_and_sees_them(world: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from opsdesk.quality.actions import reviews
    from opsdesk.quality.models import SampleCycle
    from opsdesk.tickets.actions.common import default_status

    card = reviews.save_scorecard(None, name="Email", source=SOURCE, actor=world.lead)
    ticket = world.ticket()
    ticket_actions.reply_to_ticket(ticket, body="Answer", actor=world.agent)
    ticket_actions.set_tags(ticket, tags=["refund"], actor=world.agent, add=True)
    ticket_actions.change_status(ticket, status=default_status("solved"), actor=world.agent)
    lead = signed_in(world.lead)
    form = lead.get("/quality/")
    text = form.content.decode()
    assert form.status_code == 200 and 'name="pools" value="sla_breach"' in text and "Tickets with these tags" in text
    week = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    body = {"scorecard": card.pk, "starts": week.isoformat(), "quota": "1", "reviewers": [world.lead.pk]}
    refused = lead.post("/quality/samples/draw/", {**body, "pools": ["nonsense"]})
    assert refused.status_code == 400 and "pools" in refused.context["form"].errors
    drawn = lead.post("/quality/samples/draw/", {**body, "pools": ["reopened", "escalated"], "tags": "Refund, vip"})
    cycle = SampleCycle.objects.get()
    assert drawn.status_code == 302 and drawn["Location"] == f"/quality/samples/{cycle.pk}/"
    assert (cycle.pools, cycle.tags) == (["reopened", "escalated", "tagged"], ["refund", "vip"])
    page = lead.get(drawn["Location"]).content.decode()
    assert "Targeted pools: Reopened after solving, Escalated." in page
    assert "Tickets with these tags: refund, vip." in page
    assert f"#{ticket.pk}" in page and "at random" in page
