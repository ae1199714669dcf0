"""QA scorecards, reviews and disputes through the actions: the editor's text parsed (errors name the line), a
changed scorecard is a new version and old reviews keep theirs, a review scored exactly by the engine and recorded on
the ticket's timeline, shared and acknowledged, disputed and resolved with the original score kept."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from opsdesk.core.errors import ActionError
from opsdesk.quality import cards
from opsdesk.quality.actions import reviews
from opsdesk.quality.models import Dispute, Review
from opsdesk.tickets.models import Notification, TicketEvent

SOURCE = """\
Greeting [weight 1]
- Uses the customer's name [binary]
- Tone fits the customer [5 points, weight 2, N/A]
Solution [weight 3]
- Correct and complete answer [5 points, weight 3, critical]
- Follows the refund policy [binary, critical: section]
"""


def scorecard(world: Any, source: str = SOURCE) -> Any:
    return reviews.save_scorecard(None, name="Email support", source=source, actor=world.lead)


def test_the_editor_text_becomes_sections_and_items_with_their_options() -> None:
    definition = cards.parse(SOURCE)
    assert [(s["name"], s["weight"]) for s in definition["sections"]] == [("Greeting", 1), ("Solution", 3)]
    assert [(i["key"], i["points"], i["weight"], i["na_allowed"], i["critical"]) for i in cards.items(definition)] == [
        ("uses-the-customers-name", 2, 1, False, ""),
        ("tone-fits-the-customer", 5, 2, True, ""),
        ("correct-and-complete-answer", 5, 3, False, "review"),
        ("follows-the-refund-policy", 2, 1, False, "section"),
    ]
    shares = cards.shares(definition)
    assert [s["share"] for s in shares] == [25, 75]
    assert [round(i["share"], 1) for i in shares[0]["items"]] == [33.3, 66.7]


def test_the_option_words_are_understood_in_the_readers_language() -> None:
    with translation.override("fi"):
        definition = cards.parse("Ratkaisu [paino 2]\n- Oikea vastaus [5 pistettä, kriittinen]")
    (item,) = cards.items(definition)
    assert (definition["sections"][0]["weight"], item["points"], item["critical"]) == (2, 5, "review")


@pytest.mark.parametrize(
    ("source", "line", "words"),
    [
        ("- An item first", 1, "an item belongs to a section"),
        ("Greeting\n- Name [weight 2, colour blue]", 2, "“colour blue” is not an option here"),
        ("Greeting\n- Name [7 points]", 2, "a scale is binary, or 3, 4 or 5 points"),
        ("Greeting [binary]\n- Name", 1, "Sections take: weight N."),
        ("Greeting\n- Name [bonus, N/A]", 2, "a bonus item cannot be N/A"),
        ("Greeting [weight 0]\n- Name", 0, "nothing is scored"),
        ("Greeting\n\nClosing\n- Name", 0, "Section “Greeting” has no items."),
    ],
)
def test_a_broken_scorecard_is_refused_naming_the_line(source: str, line: int, words: str) -> None:
    with pytest.raises(cards.CardError) as refused:
        cards.parse(source)
    assert refused.value.line == line
    assert words in refused.value.message


def test_a_review_is_scored_by_the_engine_and_recorded_on_the_timeline(world: Any) -> None:
    card = scorecard(world)
    ticket = world.ticket()
    message = ticket.messages.get()
    review = reviews.submit_review(
        ticket,
        scorecard=card,
        reviewee=world.agent,
        ratings={
            "uses-the-customers-name": 2,  # 100
            "tone-fits-the-customer": 4,  # 75, weight 2: Greeting = (100 + 150) / 3 = 83.333
            "correct-and-complete-answer": 4,  # 75 × 3
            "follows-the-refund-policy": 2,  # 100: Solution = (225 + 100) / 4 = 81.25
        },
        comments={message.pk: "Good first line."},
        actor=world.lead,
    )
    # (1 × 83.333… + 3 × 81.25) / 4 = 81.770833…
    assert review.score == Decimal("81.771") and review.outcome == "pass" and review.version.number == 1
    assert list(review.comments.values_list("message_id", "body")) == [(message.pk, "Good first line.")]
    event = TicketEvent.objects.get(ticket=ticket, kind="qa.reviewed")
    assert event.data == {
        "review": review.pk,
        "scorecard": card.pk,
        "version": 1,
        "reviewee": world.agent.pk,
        "score": "81.77",
        "outcome": "pass",
    }
    with pytest.raises(ActionError) as again:
        reviews.submit_review(ticket, scorecard=card, reviewee=world.agent, ratings=review.ratings, actor=world.lead)
    assert again.value.code == "already_reviewed"


def test_a_failed_critical_item_zeroes_the_review_and_na_where_not_allowed_is_refused(world: Any) -> None:
    card = scorecard(world)
    ratings = {
        "uses-the-customers-name": 2,
        "tone-fits-the-customer": None,
        "correct-and-complete-answer": 2,  # 25: fails the review
        "follows-the-refund-policy": 2,
    }
    review = reviews.submit_review(
        world.ticket(), scorecard=card, reviewee=world.agent, ratings=ratings, actor=world.lead
    )
    assert (review.score, review.outcome) == (Decimal("0.000"), "fail")
    with pytest.raises(ActionError) as refused:
        reviews.submit_review(
            world.ticket(),
            scorecard=card,
            reviewee=world.agent,
            ratings={**ratings, "uses-the-customers-name": None},
            actor=world.lead,
        )
    assert refused.value.field == "item_uses-the-customers-name"
    assert "Uses the customer's name" in refused.value.message


def test_a_changed_scorecard_is_a_new_version_and_old_reviews_keep_theirs(world: Any) -> None:
    card = scorecard(world)
    ratings = {
        "uses-the-customers-name": 1,
        "tone-fits-the-customer": 5,
        "correct-and-complete-answer": 5,
        "follows-the-refund-policy": 2,
    }
    old = reviews.submit_review(world.ticket(), scorecard=card, reviewee=world.agent, ratings=ratings, actor=world.lead)
    reviews.save_scorecard(
        card,
        name="Email support",
        source=SOURCE.replace("Greeting [weight 1]", "Greeting [weight 0]"),
        actor=world.lead,
    )
    reviews.save_scorecard(
        card,
        name="Email support",
        source=SOURCE.replace("Greeting [weight 1]", "Greeting [weight 0]"),
        actor=world.lead,
    )
    assert list(card.versions.values_list("number", flat=True).order_by("number")) == [1, 2]  # same text: no v3
    new = reviews.submit_review(world.ticket(), scorecard=card, reviewee=world.agent, ratings=ratings, actor=world.lead)
    # v1: Greeting (0 + 200) / 3 = 66.667, Solution 100 → (66.667 + 300) / 4 = 91.667; v2 scores Solution only
    assert (old.score, old.version.number) == (Decimal("91.667"), 1)
    assert (new.score, new.version.number) == (Decimal("100.000"), 2)
    old.refresh_from_db()
    assert reviews.result_of(old).score is not None and old.score == Decimal("91.667")


def test_only_leads_build_scorecards_and_review(world: Any) -> None:
    with pytest.raises(ActionError) as refused:
        reviews.save_scorecard(None, name="Mine", source=SOURCE, actor=world.agent)
    assert refused.value.status == 403


def shared_review(world: Any) -> Review:
    card = scorecard(world)
    ratings = {
        "uses-the-customers-name": 2,
        "tone-fits-the-customer": 3,
        "correct-and-complete-answer": 3,
        "follows-the-refund-policy": 2,
    }
    return reviews.submit_review(
        world.ticket(), scorecard=card, reviewee=world.agent, ratings=ratings, actor=world.lead, share=True
    )


def test_a_dispute_accepted_rescored_the_review_and_keeps_the_original_score(world: Any) -> None:
    review = shared_review(world)
    before = review.score
    with pytest.raises(ActionError) as empty:
        reviews.open_dispute(review, actor=world.agent, comment="  ")
    assert empty.value.field == "comment"
    dispute = reviews.open_dispute(
        review, actor=world.agent, comment="The answer was complete.", proposed={"correct-and-complete-answer": 5}
    )
    with pytest.raises(ActionError) as second:
        reviews.open_dispute(review, actor=world.agent, comment="Again")
    assert second.value.code == "already_open"
    with pytest.raises(ActionError) as own:
        reviews.resolve_dispute(dispute, actor=world.agent, state="accepted", resolution="Yes")
    assert own.value.status == 403
    with pytest.raises(ActionError) as silent:
        reviews.resolve_dispute(dispute, actor=world.manager, state="accepted", resolution="")
    assert silent.value.field == "resolution"
    reviews.resolve_dispute(dispute, actor=world.manager, state="accepted", resolution="Agreed: it was complete.")
    told = Notification.objects.filter(user=world.agent).order_by("id")
    assert [n.kind for n in told] == ["qa.reviewed", "qa.dispute_resolved"]  # shared, then decided
    assert not Notification.objects.filter(user=world.manager).exists()
    review.refresh_from_db()
    dispute.refresh_from_db()
    assert before is not None and review.score is not None
    assert review.original_score == before and review.score > before
    assert (dispute.state, dispute.score_before, dispute.score_after) == ("accepted", before, review.score)
    resolved = TicketEvent.objects.get(ticket=review.ticket, kind="qa.dispute_resolved")
    assert resolved.data["score_before"] == f"{before:.2f}" and resolved.data["state"] == "accepted"
    with pytest.raises(ActionError) as final:
        reviews.resolve_dispute(dispute, actor=world.manager, state="rejected", resolution="No")
    assert final.value.code == "final"


def test_a_rejected_dispute_is_final_but_a_new_one_may_open_within_the_window(world: Any) -> None:
    review = shared_review(world)
    first = reviews.open_dispute(review, actor=world.agent, comment="Too strict.")
    reviews.resolve_dispute(first, actor=world.lead, state="rejected", resolution="The policy says so.")
    second = reviews.open_dispute(review, actor=world.agent, comment="Here is the policy link.")
    reviews.resolve_dispute(second, actor=world.agent, state="withdrawn")
    assert list(Dispute.objects.order_by("id").values_list("state", flat=True)) == ["rejected", "withdrawn"]
    Review.objects.filter(pk=review.pk).update(shared_at=timezone.now() - timedelta(days=8))
    with pytest.raises(ActionError) as late:
        reviews.open_dispute(review, actor=world.agent, comment="Late.")
    assert late.value.code == "window_closed"


def test_an_unshared_review_cannot_be_disputed_and_only_the_reviewee_acknowledges(world: Any) -> None:
    card = scorecard(world)
    review = reviews.submit_review(
        world.ticket(),
        scorecard=card,
        reviewee=world.agent,
        ratings={
            "uses-the-customers-name": 2,
            "tone-fits-the-customer": 5,
            "correct-and-complete-answer": 5,
            "follows-the-refund-policy": 2,
        },
        actor=world.lead,
    )
    with pytest.raises(ActionError) as unshared:
        reviews.open_dispute(review, actor=world.agent, comment="Why?")
    assert unshared.value.code == "not_shared"
    assert not Notification.objects.filter(user=world.agent).exists()  # not shared yet
    reviews.share_review(review, actor=world.lead)
    (told,) = Notification.objects.filter(user=world.agent)
    assert (told.kind, told.ticket_id, told.event.data["review"]) == ("qa.reviewed", review.ticket_id, review.pk)
    with pytest.raises(ActionError):
        reviews.acknowledge_review(review, actor=world.other_agent)
    acknowledged = reviews.acknowledge_review(review, actor=world.agent)
    assert acknowledged.state == "acknowledged" and acknowledged.acknowledged_at is not None
