"""The QA score arithmetic of METRICS.md §5, one engine for every scorecard (weighted and points-style).

Pure functions over plain values: a scorecard version's sections and items, and a review's ratings. Nothing here
reads the database, so a stored review is rescored exactly as it was scored (its scorecard version is stored with
it), and the tests work the cards out by hand.

Choices where §5 leaves one (ADR to follow with the models): scores are kept as exact fractions until shown; a
section of weight 0 is tracked, not scored; a bonus item's points are added after the weighted score and the total is
capped at `bonus_cap` (100 by default: no bonus).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

Critical = Literal["review", "section", ""]
SCALES = (2, 3, 4, 5)  # the scales a scorecard's editor offers (binary, 3, 4, 5 points)
MAX_POINTS = 10  # a points-style item is worth at most this
NA = None  # a rating of "not applicable"


@dataclass(frozen=True)
class Item:
    key: str
    points: int  # the scale: 2 (binary), 3, 4 or 5 points, rated 1..points (binary: 1 = no, 2 = yes); a
    # points-style item worth m points is a scale of m + 1 (0..m)
    weight: int = 1
    na_allowed: bool = False
    critical: Critical = ""
    bonus: bool = False  # points added after the weighted score (N/A not allowed)

    def __post_init__(self) -> None:
        if not 2 <= self.points <= MAX_POINTS + 1:
            raise ValueError(f"{self.key}: a scale has 2 to {MAX_POINTS + 1} points")
        if self.weight < 0:
            raise ValueError(f"{self.key}: a weight is 0 or more")
        if self.bonus and self.na_allowed:
            raise ValueError(f"{self.key}: a bonus item cannot be N/A")


@dataclass(frozen=True)
class Section:
    key: str
    weight: int
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Card:
    sections: tuple[Section, ...]
    na_as_pass: bool = False  # N/A counts as 100 instead of leaving the item out
    flag_only: bool = False  # a failed review-critical item marks the outcome "fail" and keeps the score
    bonus_cap: int = 100


@dataclass(frozen=True)
class Result:
    score: Fraction | None  # null: nothing rated, left out of IQS
    sections: dict[str, Fraction | None]
    items: dict[str, Fraction | None]  # raw item scores (category reports); None for N/A
    outcome: Literal["pass", "fail"]
    failed_critical: tuple[str, ...] = field(default_factory=tuple)

    @property
    def band(self) -> str | None:
        return band(self.score)


def item_score(item: Item, rating: int) -> Fraction:
    """x_i = 100·(r − r_min)/(r_max − r_min), ratings 1..points."""
    if not 1 <= rating <= item.points:
        raise ValueError(f"{item.key}: rate 1 to {item.points}")
    return Fraction(100 * (rating - 1), item.points - 1)


def score(card: Card, ratings: Mapping[str, int | None]) -> Result:
    """The review score of `ratings` (item key → rating, or None for N/A) on `card`."""
    items: dict[str, Fraction | None] = {}
    sections: dict[str, Fraction | None] = {}
    failed: list[str] = []
    review_failed = False
    weighted, weights = Fraction(0), 0
    bonus = Fraction(0)
    for section in card.sections:
        numerator, denominator = Fraction(0), 0
        section_failed = False
        for item in section.items:
            if item.key not in ratings:
                raise ValueError(f"{item.key}: not rated (rate it or choose N/A)")
            rating = ratings[item.key]
            if rating is NA:
                if not item.na_allowed:
                    raise ValueError(f"{item.key}: N/A is not allowed")
                items[item.key] = None
                if not card.na_as_pass or item.weight == 0:
                    continue
                x = Fraction(100)
            else:
                x = item_score(item, rating)
                items[item.key] = x
            if item.bonus:
                bonus += x * item.weight / 100
                continue
            if x < 50 and item.critical:
                failed.append(item.key)
                review_failed |= item.critical == "review"
                section_failed |= item.critical == "section"
            if item.weight > 0:
                numerator += item.weight * x
                denominator += item.weight
        value = None if denominator == 0 else (Fraction(0) if section_failed else numerator / denominator)
        sections[section.key] = value
        if value is not None and section.weight > 0:
            weighted += section.weight * value
            weights += section.weight
    if weights == 0:
        return Result(None, sections, items, "fail" if review_failed else "pass", tuple(failed))
    total = min(weighted / weights + bonus, Fraction(card.bonus_cap))
    if review_failed and not card.flag_only:
        total = Fraction(0)
    return Result(total, sections, items, "fail" if review_failed else "pass", tuple(failed))


def band(value: Fraction | None, *, meets: int = 70, exceeds: int = 90) -> str | None:
    """< 70 needs improvement; 70–89 meets; ≥ 90 exceeds (configurable)."""
    if value is None:
        return None
    return "exceeds" if value >= exceeds else "meets" if value >= meets else "needs_improvement"


def points_card(items: dict[str, int], *, na_allowed: bool = True) -> Card:
    """A points-style scorecard ("earned ÷ max"): one section, each item weighted by its maximum points and rated
    0..max, as the same engine (§5). An item worth 3 points is a 4-point scale (0, 1, 2, 3 → ratings 1..4)."""
    return Card(
        sections=(
            Section(
                "points",
                1,
                tuple(
                    Item(key, points=maximum + 1, weight=maximum, na_allowed=na_allowed)
                    for key, maximum in items.items()
                ),
            ),
        )
    )
