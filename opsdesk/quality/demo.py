"""The demo's surveys and QA scorecard, written through the actions: a CSAT survey a day after solving (active),
an NPS survey (at most once per 90 days, to one in five customers) and a CES survey (at most once per 30 days), both
switched off, each with its question in the five languages; a scorecard for support conversations."""

from __future__ import annotations

import random
from datetime import timedelta

from opsdesk.accounts.models import User
from opsdesk.quality import actions
from opsdesk.quality.actions import reviews
from opsdesk.quality.models import Scorecard, Survey, SurveyRequest
from opsdesk.tickets.models import Ticket, TicketEvent

SURVEYS = [
    {
        "name": "Satisfaction after solving",
        "kind": "csat",
        "scale": 5,
        "style": "faces",
        "question": "How satisfied are you with the help you received?",
        "question_translations": {
            "fi": "Kuinka tyytyväinen olet saamaasi apuun?",
            "sv": "Hur nöjd är du med hjälpen du fick?",
            "ru": "Насколько вы довольны полученной помощью?",
            "el": "Πόσο ικανοποιημένοι είστε με τη βοήθεια που λάβατε;",
        },
        "delay_minutes": 1440,
        "is_active": True,
    },
    {
        "name": "Recommendation (quarterly)",
        "kind": "nps",
        "question": "How likely are you to recommend us to a friend or colleague?",
        "question_translations": {
            "fi": "Kuinka todennäköisesti suosittelisit meitä ystävälle tai kollegalle?",
            "sv": "Hur troligt är det att du skulle rekommendera oss till en vän eller kollega?",
            "ru": "Насколько вероятно, что вы порекомендуете нас другу или коллеге?",
            "el": "Πόσο πιθανό είναι να μας προτείνετε σε έναν φίλο ή συνάδελφο;",
        },
        "delay_minutes": 1440,
        "cooldown_days": 90,
        "sample_every": 5,
        "is_active": False,
    },
    {
        "name": "Effort",
        "kind": "ces",
        "question": "The company made it easy for me to handle my issue.",
        "question_translations": {
            "fi": "Yritys teki asiani hoitamisesta helppoa.",
            "sv": "Företaget gjorde det enkelt för mig att lösa mitt ärende.",
            "ru": "Компания сделала так, что решить мой вопрос было легко.",
            "el": "Η εταιρεία έκανε εύκολο για μένα να διευθετήσω το θέμα μου.",
        },
        "delay_minutes": 60,
        "cooldown_days": 30,
        "is_active": False,
    },
]


def seed_surveys(*, actor: User) -> list[Survey]:
    return [actions.save_survey(None, actor=actor, **values) for values in SURVEYS]  # type: ignore[arg-type]


SCORECARD = """\
Greeting and tone [weight 1]
- Greets the customer and uses their name [binary]
- Tone fits the customer and the situation [5 points, weight 2]
Solution [weight 3]
- Understood the actual problem [5 points, weight 2]
- Correct and complete answer [5 points, weight 3, critical]
- Follows the refund and privacy policies [binary, critical: section, N/A]
Process [weight 1]
- Right status, tags and fields [4 points]
- Internal note where the next person needs one [binary, N/A]
"""


def seed_scorecard(*, actor: User) -> Scorecard:
    """The demo's QA scorecard, for every team."""
    return reviews.save_scorecard(None, name="Support conversations", source=SCORECARD, actor=actor)


# What customers write beside a rating in the demo, by language: praise, and the usual complaints.
COMMENTS = {
    "en": ["Quick and friendly, thank you!", "It took three days to get an answer.", "The refund is still missing."],
    "fi": ["Nopeaa ja ystävällistä palvelua, kiitos!", "Vastausta sai odottaa kolme päivää.", "Hyvitys puuttuu yhä."],
    "sv": ["Snabbt och vänligt, tack!", "Det tog tre dagar att få svar.", "Återbetalningen saknas fortfarande."],
    "ru": ["Быстро и вежливо, спасибо!", "Ответа пришлось ждать три дня.", "Возврат так и не пришёл."],
    "el": [
        "Γρήγορη και φιλική εξυπηρέτηση, ευχαριστώ!",
        "Περίμενα τρεις μέρες για απάντηση.",
        "Η επιστροφή χρημάτων λείπει ακόμα.",
    ],
}


# How the demo's customers answer (ratings and their weights): mostly satisfied, as in most support teams.
RATINGS = {
    "csat": ([1, 2, 3, 4, 5], [6, 5, 9, 30, 50]),
    "nps": (list(range(11)), [2, 1, 1, 1, 2, 3, 5, 10, 15, 25, 35]),
    "ces": ([1, 2, 3, 4, 5, 6, 7], [3, 3, 5, 9, 20, 30, 30]),
}
STEPS_DOWN = [0] * 8 + [1] * 3 + [2]  # a reviewer's rating below an item's best, and how often


def seed_feedback(
    *, reviewers: list[User], rng: random.Random, tickets: int = 240, reviews_count: int = 60
) -> tuple[int, int]:
    """Survey answers and QA reviews of the demo's solved tickets, through the actions, dated when they would have
    happened: most solves get the CSAT survey, some NPS or CES (chosen here per ticket, as a relationship survey
    would be); about half of the customers answer, some with a comment in their language. Returns (answers,
    reviews)."""
    surveys = {survey.kind: survey for survey in Survey.objects.all()}
    solves = list(
        TicketEvent.objects.filter(kind="status.changed", data__to_category="solved")
        .order_by("-at", "-pk")
        .values_list("pk", "ticket_id", "at")[: tickets * 2]
    )
    rng.shuffle(solves)
    seen: set[int] = set()
    answered = 0
    for event_id, ticket_id, solved_at in solves:
        if ticket_id in seen or len(seen) >= tickets:
            continue
        seen.add(ticket_id)
        kind = rng.choices(["csat", "nps", "ces"], weights=[70, 15, 15])[0]
        for request in actions.schedule_after_solve(
            ticket_id, cause_event=event_id, solved_at=solved_at, surveys=[surveys[kind]]
        ):
            sent = actions.send(request.pk, now=request.due_at)
            if sent is None or sent.state != SurveyRequest.State.SENT or rng.random() > 0.5:
                continue
            rating = rng.choices(*RATINGS[kind])[0]
            negative = actions.is_negative(kind, sent.scale, rating)
            texts = COMMENTS.get(sent.language, COMMENTS["en"])
            comment = (rng.choice(texts[1:]) if negative else texts[0]) if rng.random() < 0.4 else ""
            assert sent.sent_at is not None
            actions.answer(
                sent,
                rating=rating,
                comment=comment,
                reason=rng.choice(["slow", "unresolved"]) if negative else "",
                one_click=False,
                now=sent.sent_at + timedelta(hours=rng.randint(1, 40)),
            )
            answered += 1
    card = Scorecard.objects.get(name="Support conversations")
    items = [item for section in card.latest_version().definition["sections"] for item in section["items"]]
    reviewed = 0
    candidates = list(
        Ticket.objects.filter(status_category__in=("solved", "closed"), assignee__isnull=False)
        .order_by("-solved_at", "-pk")
        .values_list("pk", "assignee_id", "solved_at")[: reviews_count * 3]
    )
    rng.shuffle(candidates)
    for ticket_id, agent_id, when in candidates[:reviews_count]:
        reviewer = next(
            (r for r in reviewers if r.pk != agent_id and Ticket.objects.visible_to(r).filter(pk=ticket_id).exists()),
            None,
        )
        if reviewer is None or when is None:
            continue
        ratings: dict[str, int | None] = {}
        for item in items:
            if item["na_allowed"] and rng.random() < 0.3:
                ratings[item["key"]] = None
            else:
                ratings[item["key"]] = max(1, item["points"] - rng.choice(STEPS_DOWN))
        review = reviews.submit_review(
            Ticket.objects.get(pk=ticket_id),
            scorecard=card,
            reviewee=User.objects.get(pk=agent_id),
            ratings=ratings,
            actor=reviewer,
            share=rng.random() < 0.6,
            sample_reason="random",
            now=when + timedelta(days=rng.randint(1, 5)),
        )
        reviewed += review.pk > 0
    return answered, reviewed
