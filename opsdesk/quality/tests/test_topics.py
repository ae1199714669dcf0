"""Comment topics in five languages: words to their base form without stop words, counted once per comment; rising
and falling by their share of the period's comments against the period before; the share of negative ratings."""

from __future__ import annotations

from typing import Any

from django.test import Client

from opsdesk.quality import topics
from opsdesk.quality.actions import save_survey
from opsdesk.quality.tests.test_dashboard import answered


def test_each_language_is_stemmed_without_stop_words() -> None:
    assert topics.terms("Palvelu ja hyvitys", "fi") == {"palvelu", "hyvitys"}  # "ja" is a stop word
    assert topics.words("Palvelua kehuttiin, palvelu oli hyvä", "fi")["palvelu"] == "palvelua"  # as first written
    assert topics.terms("Återbetalningen saknas, återbetalningar saknas.", "sv") >= {"återbetalning"}
    assert (
        len([t for t in topics.terms("Återbetalningen saknas, återbetalningar saknas.", "sv") if "återbet" in t]) == 1
    )
    assert "возврат" in topics.terms("Возврат так и не пришёл, где мои возвраты?", "ru")
    assert len([t for t in topics.terms("Η επιστροφή χρημάτων, οι επιστροφές λείπουν", "el") if "επιστροφ" in t]) == 1
    assert topics.terms("The refunds are late, 2 weeks!", "en") == {"refund", "late", "week"}
    assert topics.terms("", "fi") == set()


def test_rising_and_falling_topics_by_their_share() -> None:
    now = [
        topics.Comment("fi", "Hyvitys puuttuu", True),
        topics.Comment("fi", "Hyvitys tuli myöhässä", True),
        topics.Comment("fi", "Nopea palvelu", False),
        topics.Comment("fi", "Ystävällinen palvelu", False),
    ]
    before = [
        topics.Comment("fi", "Palvelu oli hidasta", True),
        topics.Comment("fi", "Palvelu hidas", True),
        topics.Comment("fi", "Kiitos avusta", False),
        topics.Comment("fi", "Nopea palvelu", False),
    ]
    rising, falling = topics.topics(now, before)
    top = rising[0]
    # "hyvitys": 2 of 4 comments now (50 %), none before; 100 % of them negative
    assert (top.language, top.word, top.count, top.share, top.before, top.negative) == (
        "fi",
        "hyvitys",
        2,
        50.0,
        0.0,
        100.0,
    )
    assert [t.word for t in rising] == ["hyvitys"]
    # "palvelu": 2 of 4 now (50 %), 3 of 4 before (75 %)
    assert [(t.word, t.count, t.share, t.before) for t in falling][0] == ("palvelu", 2, 50.0, 75.0)


def test_the_dashboard_shows_the_rising_topics_and_drills_to_their_comments(world: Any) -> None:
    survey = save_survey(None, name="CSAT", kind="csat", question="How?", actor=world.manager)
    world.customer.language = "fi"
    world.customer.save(update_fields=["language"])
    for text, rating in (("Hyvitys puuttuu yhä", 1), ("Hyvitys on myöhässä", 2), ("Kiitos nopeasta avusta", 5)):
        answered(world, survey, rating, comment=text, language="fi")
    client = Client()
    client.force_login(world.manager)
    page = client.get("/quality/dashboard/?days=30").content.decode()
    assert "hyvitys</a>" in page and "100 %" in page
    drill = client.get("/quality/dashboard/response_rate/?days=30&term=hyvitys&lang=fi")
    assert sorted(r.comment for r in drill.context["rows"]) == ["Hyvitys on myöhässä", "Hyvitys puuttuu yhä"]
