"""Calibration statistics of METRICS.md §5: several reviewers score the same conversations blind, the calibrator
scores a baseline; each reviewer's bias, mean absolute deviation, item agreement and critical mismatches, and each
item's spread across reviewers. Without a baseline, the participants' mean stands in for it (items: the most
common rating)."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from opsdesk.quality.scoring import Card, Result, score

CALIBRATED_MAD = 5.0  # points: a reviewer within this, with no critical mismatch, is calibrated (configurable)

Ratings = Mapping[str, int | None]


@dataclass(frozen=True)
class Reviewer:
    bias: float  # mean of (reviewer − baseline) in points: positive is lenient
    mad: float  # mean |reviewer − baseline|
    item_agreement: float  # share of item ratings equal to the baseline's (N/A is a rating)
    critical_mismatch: int  # critical items passed by one and failed by the other
    calibrated: bool


def _points(result: Result) -> float:
    return float(result.score) if result.score is not None else 0.0


def _critical_keys(card: Card) -> set[str]:
    return {item.key for section in card.sections for item in section.items if item.critical}


def _fails(result: Result, key: str) -> bool:
    value = result.items.get(key)
    return value is not None and value < 50


def reviewers(
    card: Card,
    scored: Mapping[str, Mapping[str, Ratings]],
    baseline: Mapping[str, Ratings] | None = None,
    *,
    threshold: float = CALIBRATED_MAD,
) -> dict[str, Reviewer]:
    """`scored`: reviewer → conversation → ratings; `baseline`: conversation → the calibrator's ratings."""
    conversations = sorted({c for by in scored.values() for c in by})
    results = {r: {c: score(card, ratings) for c, ratings in by.items()} for r, by in scored.items()}
    if baseline is not None:
        base_points = {c: _points(score(card, baseline[c])) for c in conversations}
        base_items = {c: dict(baseline[c]) for c in conversations}
        base_results = {c: score(card, baseline[c]) for c in conversations}
    else:
        base_points = {
            c: statistics.fmean(_points(results[r][c]) for r in results if c in results[r]) for c in conversations
        }
        base_items = {c: _consensus([scored[r][c] for r in scored if c in scored[r]]) for c in conversations}
        base_results = {c: score(card, base_items[c]) for c in conversations}
    critical = _critical_keys(card)
    found = {}
    for reviewer, by in results.items():
        deltas = [_points(result) - base_points[c] for c, result in by.items()]
        same = total = mismatch = 0
        for c, result in by.items():
            for key, rating in scored[reviewer][c].items():
                total += 1
                same += rating == base_items[c].get(key)
            mismatch += sum(1 for key in critical if _fails(result, key) != _fails(base_results[c], key))
        mad = statistics.fmean(abs(d) for d in deltas)
        found[reviewer] = Reviewer(
            bias=statistics.fmean(deltas),
            mad=mad,
            item_agreement=same / total if total else 1.0,
            critical_mismatch=mismatch,
            calibrated=mad <= threshold and mismatch == 0,
        )
    return found


def _consensus(ratings: Sequence[Ratings]) -> dict[str, int | None]:
    keys = {k for r in ratings for k in r}
    return {k: Counter(r.get(k) for r in ratings).most_common(1)[0][0] for k in sorted(keys)}


def item_spread(card: Card, scored: Mapping[str, Mapping[str, Ratings]]) -> list[tuple[str, float]]:
    """Each scored item's spread: the standard deviation of its item scores across reviewers, averaged over the
    conversations; highest first (discuss those first). N/A ratings are left out."""
    spreads: dict[str, list[float]] = {}
    conversations = sorted({c for by in scored.values() for c in by})
    for c in conversations:
        per_item: dict[str, list[float]] = {}
        for by in scored.values():
            if c not in by:
                continue
            for key, value in score(card, by[c]).items.items():
                if value is not None:
                    per_item.setdefault(key, []).append(float(value))
        for key, values in per_item.items():
            if len(values) > 1:
                spreads.setdefault(key, []).append(statistics.pstdev(values))
    ranked = [(key, math.fsum(v) / len(v)) for key, v in spreads.items()]
    return sorted(ranked, key=lambda kv: (-kv[1], kv[0]))
