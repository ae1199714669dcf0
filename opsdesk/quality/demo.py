"""The demo's surveys and QA scorecard, written through the actions: a CSAT survey a day after solving (active),
an NPS survey (at most once per 90 days, to one in five customers) and a CES survey (at most once per 30 days), both
switched off, each with its question in the five languages; a scorecard for support conversations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from opsdesk.quality import actions
from opsdesk.quality.actions import reviews
from opsdesk.quality.models import Scorecard, Survey

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

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
