"""Calibration statistics, sampling with a stored seed, and dispute rules (METRICS.md §5), worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from opsdesk.quality import disputes
from opsdesk.quality.calibration import item_spread, reviewers
from opsdesk.quality.sampling import draw, reviewee
from opsdesk.quality.scoring import Card, Item, Section

CARD = Card((Section("all", 1, (Item("a", 5), Item("c", 2, critical="review"))),))
BASELINE = {"k1": {"a": 4, "c": 2}, "k2": {"a": 5, "c": 2}}  # 87.5 and 100
SCORED = {
    "x": {"k1": {"a": 5, "c": 2}, "k2": {"a": 5, "c": 2}},  # 100, 100: +12.5 and 0
    "y": {"k1": {"a": 4, "c": 1}, "k2": {"a": 5, "c": 2}},  # 0 (critical fail), 100: −87.5 and 0
    "z": BASELINE,
}


def test_each_reviewer_against_the_calibrator() -> None:
    found = reviewers(CARD, SCORED, BASELINE)
    x, y, z = found["x"], found["y"], found["z"]
    assert (x.bias, x.mad, x.item_agreement, x.critical_mismatch, x.calibrated) == (6.25, 6.25, 0.75, 0, False)
    assert (y.bias, y.mad, y.item_agreement, y.critical_mismatch, y.calibrated) == (-43.75, 43.75, 0.75, 1, False)
    assert (z.bias, z.mad, z.item_agreement, z.critical_mismatch, z.calibrated) == (0.0, 0.0, 1.0, 0, True)
    assert reviewers(CARD, SCORED, BASELINE, threshold=7)["x"].calibrated  # the threshold is a setting


def test_without_a_baseline_the_participants_mean_stands_in() -> None:
    found = reviewers(CARD, {"x": SCORED["x"], "z": SCORED["z"]})
    # k1: mean of 100 and 87.5 = 93.75 → x +6.25, z −6.25; k2: both 100
    assert (found["x"].bias, found["z"].bias) == (3.125, -3.125)
    assert found["x"].mad == found["z"].mad == 3.125


def test_items_with_the_widest_spread_come_first() -> None:
    spread = item_spread(CARD, SCORED)
    assert [key for key, _ in spread] == ["c", "a"]
    assert spread[0][1] == pytest.approx(23.570, abs=0.001)  # k1: 100, 0, 100 → 47.14; k2: 0
    assert spread[1][1] == pytest.approx(5.893, abs=0.001)  # k1: 100, 75, 75 → 11.79; k2: 0


def test_the_reviewee_has_the_most_public_replies_and_a_tie_goes_to_the_latest() -> None:
    t = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert (
        reviewee([(1, t), (2, t + timedelta(hours=1)), (1, t + timedelta(hours=2)), (2, t + timedelta(hours=3))]) == 2
    )
    assert reviewee([(1, t), (1, t), (2, t + timedelta(days=1))]) == 1
    assert reviewee([]) is None


def test_the_same_seed_draws_the_same_sample_in_any_order() -> None:
    eligible = {1: list(range(100, 110)), 2: [5, 6], 3: []}
    first = draw(eligible, quota=4, seed=42)
    assert first[2] == [5, 6] and first[3] == []  # fewer than the quota: all of them
    assert len(first[1]) == 4 and len(set(first[1])) == 4 and set(first[1]) <= set(eligible[1])
    shuffled = {3: [], 1: list(reversed(range(100, 110))), 2: [6, 5]}
    assert draw(shuffled, quota=4, seed=42) == first
    assert draw({1: eligible[1]}, quota=4, seed=42)[1] == first[1]  # nobody else's sample moves
    assert any(draw(eligible, quota=4, seed=s)[1] != first[1] for s in range(43, 53))
    with pytest.raises(ValueError):
        draw(eligible, quota=-1, seed=1)


def test_a_dispute_opens_within_its_window_with_a_comment_one_at_a_time() -> None:
    shared = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    disputes.check_open(shared_at=shared, now=shared + timedelta(days=7), comment="Tone was fine.", states=[])
    cases: list[tuple[dict[str, Any], str]] = [
        ({"shared_at": None}, "not_shared"),
        ({"now": shared + timedelta(days=7, seconds=1)}, "window_closed"),
        ({"comment": "  "}, "comment_required"),
        ({"states": [disputes.OPEN]}, "already_open"),
    ]
    for kwargs, code in cases:
        arguments: dict[str, Any] = {"shared_at": shared, "now": shared, "comment": "Why?", "states": [], **kwargs}
        with pytest.raises(disputes.DisputeRefused) as refused:
            disputes.check_open(**arguments)
        assert refused.value.code == code
    # a rejected dispute stays rejected, but a new one may be opened
    disputes.check_open(shared_at=shared, now=shared, comment="New facts.", states=[disputes.REJECTED])


def test_dispute_moves() -> None:
    disputes.check_move(disputes.OPEN, disputes.PARTIALLY_ACCEPTED, comment="Item 3 raised.")
    disputes.check_move(disputes.OPEN, disputes.WITHDRAWN, comment="")  # withdrawing needs no comment
    with pytest.raises(disputes.DisputeRefused, match="comment_required"):
        disputes.check_move(disputes.OPEN, disputes.REJECTED, comment="")
    with pytest.raises(disputes.DisputeRefused, match="final"):
        disputes.check_move(disputes.REJECTED, disputes.OPEN, comment="again")
    assert disputes.recompute(disputes.ACCEPTED) and disputes.recompute(disputes.PARTIALLY_ACCEPTED)
    assert not disputes.recompute(disputes.REJECTED)
