"""Drawing a week's QA sample from the database: the eligible tickets and their reviewees, the random quota with a
stored seed (the same week again gives the same sample), targeted pools tagged with their reason, and reviewers given
the tickets with their workload balanced and never their own work."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from opsdesk.core.errors import ActionError
from opsdesk.quality import sampling
from opsdesk.quality.actions import reviews, samples, save_survey
from opsdesk.quality.models import SampleItem, SurveyRequest
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets.actions.common import default_status
from opsdesk.tickets.models import Ticket


def solved_with_replies(world: Any, agent: Any, replies: int = 1) -> Ticket:
    ticket = world.ticket()
    for n in range(replies):
        ticket_actions.reply_to_ticket(ticket, body=f"Answer {n}", actor=agent)
    ticket_actions.change_status(ticket, status=default_status("solved"), actor=agent)
    return Ticket.objects.get(pk=ticket.pk)


def this_week() -> Any:
    today = timezone.localdate()
    return today - timedelta(days=today.weekday())


def test_the_weeks_sample_is_drawn_once_with_its_reasons_and_balanced_reviewers(world: Any) -> None:
    card = reviews.save_scorecard(None, name="Email", source="Tone\n- Polite [binary]", actor=world.lead)
    theirs = [solved_with_replies(world, world.agent) for _ in range(6)]
    long_one = solved_with_replies(world, world.lead, replies=4)  # the lead's own work: never given to the lead
    unsolved = world.ticket()
    ticket_actions.reply_to_ticket(unsolved, body="Still working on it", actor=world.agent)
    bad = theirs[0]
    SurveyRequest.objects.create(
        survey=save_survey(None, name="CSAT", kind="csat", question="How?", actor=world.manager),
        ticket=bad,
        customer=bad.requester,
        cause_event=1,
        kind="csat",
        scale=5,
        due_at=timezone.now(),
        state="sent",
        sent_at=timezone.now(),
        rating=1,
    )
    cycle = samples.draw_sample(
        card, starts=this_week(), quota=2, reviewers=[world.lead, world.manager], actor=world.lead, zone="UTC"
    )
    items = {item.ticket_id: item for item in SampleItem.objects.filter(cycle=cycle)}
    random_picks = [pk for pk, item in items.items() if item.reason == "random"]
    assert len(random_picks) == 3  # two of the agent's six, and the lead's one (fewer than the quota: all of it)
    assert long_one.pk in random_picks
    assert unsolved.pk not in items
    if bad.pk not in random_picks:
        assert items[bad.pk].reason == "bad_csat"
    assert items[long_one.pk].reviewer_id == world.manager.pk  # nobody reviews their own work
    assigned = [item.reviewer_id for item in items.values()]
    assert abs(assigned.count(world.lead.pk) - assigned.count(world.manager.pk)) <= 1
    again = samples.draw_sample(card, starts=this_week(), quota=4, reviewers=[world.lead], actor=world.lead, zone="UTC")
    assert again.pk == cycle.pk and set(again.items.values_list("ticket_id", flat=True)) == set(items)
    # the stored seed draws the same tickets from the same candidates
    drawn = sampling.draw({world.agent.pk: [t.pk for t in theirs]}, quota=2, seed=cycle.seed)
    assert set(drawn[world.agent.pk]) == {pk for pk in random_picks if pk != long_one.pk}
    assert [item.ticket_id for item in samples.queue_of(world.manager)] == sorted(
        pk for pk, item in items.items() if item.reviewer_id == world.manager.pk
    )


def test_a_review_of_a_sampled_ticket_leaves_the_queue_and_keeps_the_reason(world: Any) -> None:
    card = reviews.save_scorecard(None, name="Email", source="Tone\n- Polite [binary]", actor=world.lead)
    ticket = solved_with_replies(world, world.agent)
    samples.draw_sample(card, starts=this_week(), quota=4, reviewers=[world.lead], actor=world.lead, zone="UTC")
    assert [item.ticket_id for item in samples.queue_of(world.lead)] == [ticket.pk]
    review = reviews.submit_review(
        ticket, scorecard=card, reviewee=world.agent, ratings={"polite": 2}, actor=world.lead
    )
    assert review.sample_reason == "random"
    assert samples.queue_of(world.lead) == []


def test_a_draw_with_bad_input_is_refused(world: Any) -> None:
    card = reviews.save_scorecard(None, name="Email", source="Tone\n- Polite [binary]", actor=world.lead)
    with pytest.raises(ActionError) as quota:
        samples.draw_sample(card, starts=this_week(), quota=0, reviewers=[world.lead], actor=world.lead)
    assert quota.value.field == "quota"
    with pytest.raises(ActionError) as who:
        samples.draw_sample(card, starts=this_week(), quota=2, reviewers=[world.agent], actor=world.lead)
    assert who.value.field == "reviewers"
    with pytest.raises(ActionError) as agent:
        samples.draw_sample(card, starts=this_week(), quota=2, reviewers=[world.lead], actor=world.agent)
    assert agent.value.status == 403


def test_targeted_pools_find_reopened_breached_escalated_and_tagged_tickets(world: Any) -> None:
    """Each pool of §5 on real timelines: a non-trivial reopen (answered before the next solve) and not a trivial one;
    a first reply breached by the SLA job; the automation's escalation tag; a chosen tag. Every ticket of a pool is in
    the sample, tagged with its reason unless the random draw took it first."""
    from opsdesk.sla.actions import tracking
    from opsdesk.sla.actions.policies import TargetInput
    from opsdesk.sla.tests.test_tracking import START, consume, standard, start_consuming

    card = reviews.save_scorecard(None, name="Email", source="Tone\n- Polite [binary]", actor=world.lead)
    start_consuming()
    standard(world.manager, TargetInput("normal", "first_reply", 3600, business_hours=False))
    solved, opened = default_status("solved"), default_status("open")
    with time_machine.travel(START, tick=False):
        late = world.ticket(subject="Late")
        reopened, trivial, escalated, refund, plain = (world.ticket(subject=s) for s in ("R", "T", "E", "Refund", "P"))
    consume(START + timedelta(seconds=5))
    assert tracking.check_due(START + timedelta(hours=1, minutes=1)).kinds["sla.breached"] == 6
    with time_machine.travel(START + timedelta(hours=2), tick=False):
        for ticket in (late, reopened, trivial, escalated, refund, plain):
            ticket_actions.reply_to_ticket(ticket, body="Here is the answer", actor=world.agent)
            ticket_actions.change_status(ticket, status=solved, actor=world.agent)
        for ticket in (reopened, trivial):
            ticket_actions.change_status(ticket, status=opened, actor=world.agent)
        ticket_actions.reply_to_ticket(reopened, body="One more thing", actor=world.agent)
        for ticket in (reopened, trivial):
            ticket_actions.change_status(ticket, status=solved, actor=world.agent)
        ticket_actions.set_tags(escalated, tags=["escalated"], actor=world.agent, add=True)
        ticket_actions.set_tags(refund, tags=["Refund"], actor=world.agent, add=True)
    week = START.date() - timedelta(days=START.weekday())
    begin, end = samples.window(week, "UTC")
    found = samples.eligible(card, begin, end)
    assert set(found) == {t.pk for t in (late, reopened, trivial, escalated, refund, plain)}
    assert samples.in_pool("reopened", found) == {reopened.pk}  # the other was solved again without a reply
    assert samples.in_pool("sla_breach", found) == set(found)  # every first reply came after the hour
    assert samples.in_pool("escalated", found) == {escalated.pk}
    assert samples.in_pool("tagged", found, ["refund"]) == {refund.pk}
    cycle = samples.draw_sample(
        card,
        starts=week,
        quota=1,
        reviewers=[world.lead],
        actor=world.lead,
        zone="UTC",
        pools=["reopened", "escalated"],
        tags=[" REFUND "],
    )
    assert (cycle.pools, cycle.tags) == (["reopened", "escalated", "tagged"], ["refund"])
    reasons = dict(SampleItem.objects.filter(cycle=cycle).values_list("ticket_id", "reason"))
    randomly = [pk for pk, reason in reasons.items() if reason == "random"]
    assert len(randomly) == 1  # the quota of the one agent
    expected = {reopened.pk: "reopened", escalated.pk: "escalated", refund.pk: "tagged"}
    assert {pk: reason for pk, reason in reasons.items() if reason != "random"} == {
        pk: reason for pk, reason in expected.items() if pk not in randomly
    }


def test_a_draw_names_the_pool_or_tags_it_cannot_use(world: Any) -> None:
    card = reviews.save_scorecard(None, name="Email", source="Tone\n- Polite [binary]", actor=world.lead)
    draw = {"starts": this_week(), "quota": 2, "reviewers": [world.lead], "actor": world.lead}
    with pytest.raises(ActionError) as pool:
        samples.draw_sample(card, pools=["long_handle_time"], **draw)
    assert pool.value.field == "pools"
    with pytest.raises(ActionError) as tagged:
        samples.draw_sample(card, pools=["tagged"], **draw)
    assert tagged.value.field == "tags"
    with pytest.raises(ActionError) as long_tag:
        samples.draw_sample(card, tags=["x" * 51], **draw)
    assert long_tag.value.field == "tags"
    assert not SampleItem.objects.exists()
