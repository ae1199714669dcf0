"""An agent's reviews criterion by criterion (METRICS.md §5: the raw item score x = 100·(r − 1)/(points − 1), N/A
left out), beside everyone's on the same scorecard in the same period: where coaching helps. Every review counts
that is not a calibration's (targeted ones too: coaching looks at the work that was looked at); the reviews are
those of tickets the reader sees."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from opsdesk.quality import cards, scoring
from opsdesk.quality.models import Review, ScorecardVersion

WEAK_BELOW = 70  # the "needs improvement" band of §5
MIN_REVIEWS = 3  # fewer scored reviews of a criterion do not make it weak


@dataclass(frozen=True)
class Criterion:
    scorecard_id: int
    scorecard: str
    key: str
    name: str
    mean: float | None  # the agent's mean item score, 0–100
    n: int
    everyone: float | None
    everyone_n: int

    @property
    def weak(self) -> bool:
        return self.mean is not None and self.n >= MIN_REVIEWS and self.mean < WEAK_BELOW


def _items(version: ScorecardVersion) -> dict[str, scoring.Item]:
    return {item.key: item for section in cards.card(version.definition).sections for item in section.items}


def for_agent(reader: Any, agent_id: int, start: Any, end: Any) -> list[Criterion]:
    """Each criterion of the scorecards the agent was reviewed on in [start, end), in the scorecard's order."""
    reviews = (
        Review.objects.visible_to(reader)
        .filter(calibration__isnull=True, score__isnull=False, created_at__gte=start, created_at__lt=end)
        .values_list("scorecard_id", "version_id", "reviewee_id", "ratings")
    )
    cards_of_agent = set(
        Review.objects.visible_to(reader)
        .filter(reviewee_id=agent_id, calibration__isnull=True, created_at__gte=start, created_at__lt=end)
        .values_list("scorecard_id", flat=True)
    )
    versions: dict[int, dict[str, scoring.Item]] = {}
    theirs: dict[tuple[int, str], list[float]] = defaultdict(list)
    everyone: dict[tuple[int, str], list[float]] = defaultdict(list)
    for scorecard_id, version_id, reviewee_id, ratings in reviews.filter(scorecard_id__in=cards_of_agent):
        if version_id not in versions:
            versions[version_id] = _items(ScorecardVersion.objects.get(pk=version_id))
        for key, rating in (ratings or {}).items():
            item = versions[version_id].get(key)
            if item is None or rating is None or item.bonus:
                continue
            value = float(scoring.item_score(item, int(rating)))
            everyone[(scorecard_id, key)].append(value)
            if reviewee_id == agent_id:
                theirs[(scorecard_id, key)].append(value)
    found = []
    latest = {
        version.scorecard_id: version
        for version in ScorecardVersion.objects.filter(scorecard_id__in=cards_of_agent)
        .select_related("scorecard")
        .order_by("scorecard_id", "number")
    }
    for scorecard_id, version in sorted(latest.items(), key=lambda pair: pair[1].scorecard.name.lower()):
        for section in version.definition["sections"]:
            for item in section["items"]:
                key = (scorecard_id, item["key"])
                if key not in everyone:
                    continue
                mine, all_ = theirs.get(key, []), everyone[key]
                found.append(
                    Criterion(
                        scorecard_id,
                        version.scorecard.name,
                        item["key"],
                        item["name"],
                        sum(mine) / len(mine) if mine else None,
                        len(mine),
                        sum(all_) / len(all_),
                        len(all_),
                    )
                )
    return found
