"""An agent's reviews by criterion beside everyone's (raw item scores, N/A left out), a coaching task made from a
weak criterion (once: a second is refused), seen by the agent on the Quality page and marked done by them only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from opsdesk.audit.models import AuditEvent
from opsdesk.quality import criteria
from opsdesk.quality.actions import reviews
from opsdesk.quality.models import CoachingTask

SOURCE = "Conversation\n- Polite [binary]\n- Clear [5 points, N/A]"


def reviewed(world: Any) -> Any:
    card = reviews.save_scorecard(None, name="Email", source=SOURCE, actor=world.manager)
    for polite, clear in ((1, 5), (1, None), (2, 4)):  # polite: 0, 0, 100; clear: 100, N/A, 75
        reviews.submit_review(
            world.ticket(),
            scorecard=card,
            reviewee=world.agent,
            ratings={"polite": polite, "clear": clear},
            actor=world.lead,
        )
    reviews.submit_review(  # someone else's work on the same card
        world.ticket(), scorecard=card, reviewee=world.manager, ratings={"polite": 2, "clear": 1}, actor=world.lead
    )
    return card


def test_criteria_are_the_mean_item_scores_beside_everyones(world: Any) -> None:
    card = reviewed(world)
    now = timezone.now()
    found = {
        c.key: c
        for c in criteria.for_agent(world.lead, world.agent.pk, now - timedelta(days=1), now + timedelta(seconds=1))
    }
    polite, clear = found["polite"], found["clear"]
    assert (polite.scorecard_id, polite.name, round(polite.mean or 0, 3), polite.n) == (card.pk, "Polite", 33.333, 3)
    assert (polite.everyone, polite.everyone_n, polite.weak) == (50.0, 4, True)
    assert (clear.mean, clear.n, clear.everyone, clear.everyone_n, clear.weak) == (87.5, 2, 175 / 3, 3, False)


def test_a_lead_makes_a_coaching_task_from_a_weak_criterion_and_the_agent_marks_it_done(world: Any) -> None:
    card = reviewed(world)
    lead = Client()
    lead.force_login(world.lead)
    page = lead.get(f"/quality/agents/{world.agent.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "weak" in text and text.count("Create a coaching task") == 1
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    body = {"scorecard": card.pk, "item_key": "polite", "note": "Greet <b>warmly</b>", "due_on": due}
    made = lead.post(f"/quality/agents/{world.agent.pk}/coaching/", body, follow=True)
    assert "Coaching task created: Polite." in made.content.decode()
    task = CoachingTask.objects.get()
    assert (task.agent, task.item_name, str(task.score), task.reviews, task.state) == (
        world.agent,
        "Polite",
        "33.3",
        3,
        "open",
    )
    again = lead.post(f"/quality/agents/{world.agent.pk}/coaching/", body, follow=True)
    assert "A coaching task on this criterion is open already." in again.content.decode()
    assert CoachingTask.objects.count() == 1
    assert "A coaching task is open." in lead.get(f"/quality/agents/{world.agent.pk}/").content.decode()
    past = {**body, "item_key": "clear", "due_on": (timezone.localdate() - timedelta(days=1)).isoformat()}
    assert (
        "Choose today or a later day."
        in lead.post(f"/quality/agents/{world.agent.pk}/coaching/", past, follow=True).content.decode()
    )
    unknown = {**body, "item_key": "nonsense"}
    assert (
        "This agent has no reviews of that criterion."
        in lead.post(f"/quality/agents/{world.agent.pk}/coaching/", unknown, follow=True).content.decode()
    )
    agent = Client()
    agent.force_login(world.agent)
    home = agent.get("/quality/").content.decode()
    assert "Your coaching" in home and "Greet &lt;b&gt;warmly&lt;/b&gt;" in home
    assert agent.get(f"/quality/agents/{world.agent.pk}/").status_code == 403  # the criteria page is the lead's
    other = Client()
    other.force_login(world.light_agent)
    assert other.post(f"/quality/coaching/{task.pk}/done/").status_code == 403
    assert agent.post(f"/quality/coaching/{task.pk}/done/").status_code == 302
    task.refresh_from_db()
    assert task.state == "done" and task.done_at is not None
    assert "Your coaching" not in agent.get("/quality/").content.decode()
    verbs = list(AuditEvent.objects.filter(verb__startswith="coaching.").order_by("pk").values_list("verb", flat=True))
    assert verbs == ["coaching.created", "coaching.done"]
