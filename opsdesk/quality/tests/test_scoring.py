"""QA score arithmetic (METRICS.md §5) on scorecards worked out by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

from opsdesk.quality.scoring import NA, Card, Item, Section, item_score, points_card, score

# Greeting (weight 1): g1 binary ×1, g2 5-point ×3 (N/A allowed)
# Resolution (weight 2): r1 5-point ×2 (critical for the section), r2 3-point ×1, r3 binary ×0 (tracked only)
# Compliance (weight 1): c1 binary ×1 (critical for the review)
CARD = Card(
    sections=(
        Section("greeting", 1, (Item("g1", 2), Item("g2", 5, weight=3, na_allowed=True))),
        Section(
            "resolution",
            2,
            (Item("r1", 5, weight=2, critical="section"), Item("r2", 3), Item("r3", 2, weight=0)),
        ),
        Section("compliance", 1, (Item("c1", 2, critical="review"),)),
    )
)
GOOD = {"g1": 2, "g2": 4, "r1": 5, "r2": 2, "r3": 1, "c1": 2}


def test_item_scores_follow_the_scale() -> None:
    assert [item_score(Item("b", 2), r) for r in (1, 2)] == [0, 100]
    assert [item_score(Item("f", 5), r) for r in (1, 2, 3, 4, 5)] == [0, 25, 50, 75, 100]
    assert item_score(Item("t", 3), 2) == 50
    with pytest.raises(ValueError, match="rate 1 to 5"):
        item_score(Item("f", 5), 6)


def test_a_weighted_card_by_hand() -> None:
    result = score(CARD, GOOD)
    # greeting (1·100 + 3·75)/4 = 81.25; resolution (2·100 + 1·50)/3 = 83.33 (r3 weighs 0); compliance 100
    assert result.sections == {"greeting": Fraction(325, 4), "resolution": Fraction(250, 3), "compliance": 100}
    # (1·81.25 + 2·83.33 + 1·100) / 4 = 86.98
    assert result.score == Fraction(4175, 48)
    assert (result.outcome, result.band, result.failed_critical) == ("pass", "meets", ())
    assert result.items["r3"] == 0  # tracked, shown in category reports, not scored


def test_not_applicable_leaves_the_item_out_or_counts_as_a_pass() -> None:
    left_out = score(CARD, {**GOOD, "g2": NA})
    assert left_out.sections["greeting"] == 100  # g1 alone
    assert left_out.score == Fraction(275, 3)  # (100 + 2·83.33 + 100) / 4 = 91.67
    assert left_out.band == "exceeds" and left_out.items["g2"] is None
    as_pass = score(Card(CARD.sections, na_as_pass=True), {**GOOD, "g2": NA})
    assert as_pass.sections["greeting"] == 100  # (1·100 + 3·100) / 4
    assert as_pass.score == Fraction(275, 3)
    with pytest.raises(ValueError, match="N/A is not allowed"):
        score(CARD, {**GOOD, "g1": NA})
    with pytest.raises(ValueError, match="not rated"):
        score(CARD, {k: v for k, v in GOOD.items() if k != "c1"})


def test_a_failed_section_critical_item_zeroes_its_section_only() -> None:
    result = score(CARD, {**GOOD, "r1": 2})  # 25 < 50
    assert result.sections["resolution"] == 0
    assert result.score == Fraction(725, 16)  # (81.25 + 2·0 + 100) / 4 = 45.31
    assert (result.outcome, result.failed_critical, result.band) == ("pass", ("r1",), "needs_improvement")
    assert result.items["r1"] == 25  # the raw score stays for category reports


def test_a_failed_review_critical_item_zeroes_the_review_or_only_flags_it() -> None:
    failed = score(CARD, {**GOOD, "c1": 1})
    assert (failed.score, failed.outcome, failed.failed_critical) == (0, "fail", ("c1",))
    flagged = score(Card(CARD.sections, flag_only=True), {**GOOD, "c1": 1})
    assert flagged.score == Fraction(2975, 48)  # (81.25 + 2·83.33 + 0) / 4 = 61.98, kept
    assert flagged.outcome == "fail"


def test_nothing_rated_is_a_null_score_left_out_of_iqs() -> None:
    card = Card((Section("only", 1, (Item("a", 5, na_allowed=True), Item("b", 2, weight=0))),))
    result = score(card, {"a": NA, "b": 2})
    assert (result.score, result.sections, result.band) == (None, {"only": None}, None)


def test_a_review_keeps_the_version_it_was_scored_on() -> None:
    version_1 = CARD
    version_2 = Card((CARD.sections[0], CARD.sections[1], Section("compliance", 3, CARD.sections[2].items)))
    assert score(version_1, GOOD).score == Fraction(4175, 48)
    assert score(version_2, GOOD).score == Fraction(6575, 72)  # (81.25 + 166.67 + 300) / 6 = 91.32
    assert score(version_1, GOOD).score == Fraction(4175, 48)  # the old review rescored on its own version


def test_points_style_is_the_same_engine() -> None:
    card = points_card({"greeted": 2, "solved": 3})
    # earned 2 of 2 and 1 of 3: 3 of 5 points = 60
    assert score(card, {"greeted": 3, "solved": 2}).score == 60
    assert score(card, {"greeted": NA, "solved": 4}).score == 100  # N/A leaves its points out


def test_a_bonus_adds_after_the_weighted_score_up_to_the_cap() -> None:
    sections = (Section("main", 1, (Item("a", 5), Item("extra", 2, weight=5, bonus=True))),)
    assert score(Card(sections), {"a": 5, "extra": 2}).score == 100  # capped at 100: no bonus by default
    assert score(Card(sections, bonus_cap=105), {"a": 5, "extra": 2}).score == 105
    assert score(Card(sections, bonus_cap=105), {"a": 4, "extra": 2}).score == 80
    with pytest.raises(ValueError, match="bonus item cannot be N/A"):
        Item("b", 2, bonus=True, na_allowed=True)
