"""The demo's surveys, written through the actions: a CSAT survey a day after solving (active), and an NPS survey
(at most once per 90 days, to one in five customers) and a CES survey (at most once per 30 days), both switched off,
each with its question in the five languages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from opsdesk.quality import actions
from opsdesk.quality.models import Survey

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
