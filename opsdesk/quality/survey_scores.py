"""The survey formulas of METRICS.md §4 and the IQS interval of §5, over plain answers (no database).

Choices where the text leaves one: a binary CSAT is stored as 1 (bad) and 2 (good); NPS is rounded half away from
zero to an integer; the IQS interval uses the sample standard deviation (n − 1), and one review has no interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

# CSAT's positive answers per scale (the highest value is the scale's size): top box or top-2-box.
CSAT_POSITIVE = {2: {2}, 3: {3}, 4: {3, 4}, 5: {4, 5}, 7: {6, 7}}
NPS_BAND_BELOW = 400  # show the ±1.96·SE band when fewer responses than this
LOW_SAMPLE = 10  # per-agent IQS below this many reviews is marked "low sample"


@dataclass(frozen=True)
class Csat:
    n: int
    satisfied: Fraction | None  # % satisfied: positive ÷ all valid responses × 100 (neutrals stay in)
    mean: Fraction | None


def csat(ratings: Sequence[int], *, scale: int = 5) -> Csat:
    if scale not in CSAT_POSITIVE:
        raise ValueError("a CSAT scale is binary (2), 3, 4, 5 or 7 points")
    if any(not 1 <= r <= scale for r in ratings):
        raise ValueError(f"a CSAT rating is 1 to {scale}")
    n = len(ratings)
    if n == 0:
        return Csat(0, None, None)
    positive = sum(1 for r in ratings if r in CSAT_POSITIVE[scale])
    return Csat(n, Fraction(100 * positive, n), Fraction(sum(ratings), n))


@dataclass(frozen=True)
class Nps:
    n: int
    promoters: int
    passives: int
    detractors: int
    score: int | None  # %P − %D, −100..100
    se: float | None  # standard error in NPS points
    band: float | None  # ±1.96·SE, shown when n < 400

    @property
    def exact(self) -> Fraction | None:
        return Fraction(100 * (self.promoters - self.detractors), self.n) if self.n else None


def _round_half_away(value: Fraction) -> int:
    return int(math.floor(value + Fraction(1, 2))) if value >= 0 else -int(math.floor(-value + Fraction(1, 2)))


def nps(scores: Sequence[int]) -> Nps:
    if any(not 0 <= s <= 10 for s in scores):
        raise ValueError("an NPS answer is 0 to 10")
    n = len(scores)
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    passives = n - promoters - detractors
    if n == 0:
        return Nps(0, 0, 0, 0, None, None, None)
    p, d = promoters / n, detractors / n
    se = 100 * math.sqrt(max(0.0, p + d - (p - d) ** 2) / n)
    return Nps(
        n,
        promoters,
        passives,
        detractors,
        _round_half_away(Fraction(100 * (promoters - detractors), n)),
        se,
        1.96 * se if n < NPS_BAND_BELOW else None,
    )


@dataclass(frozen=True)
class Ces:
    n: int
    mean: Fraction | None  # 1–7, higher is easier
    agree: Fraction | None  # % answering 5–7


def ces(scores: Sequence[int]) -> Ces:
    if any(not 1 <= s <= 7 for s in scores):
        raise ValueError("a CES answer is 1 to 7")
    n = len(scores)
    if n == 0:
        return Ces(0, None, None)
    return Ces(n, Fraction(sum(scores), n), Fraction(100 * sum(1 for s in scores if s >= 5), n))


def response_rate(responses: int, *, sent: int, failed: int) -> Fraction | None:
    """Responses ÷ delivered surveys (sent − bounced or failed); None when nothing was delivered."""
    delivered = sent - failed
    if responses < 0 or failed < 0 or delivered < 0 or responses > delivered:
        raise ValueError("responses, sent and failed do not add up")
    return Fraction(responses, delivered) if delivered else None


@dataclass(frozen=True)
class Iqs:
    n: int
    mean: float | None
    half_width: float | None  # the 95 % interval is mean ± half_width
    low_sample: bool


def iqs(review_scores: Sequence[float]) -> Iqs:
    """The internal quality score: the mean of review scores, with mean ± 1.96·sd/√n (sample sd)."""
    n = len(review_scores)
    if n == 0:
        return Iqs(0, None, None, True)
    mean = math.fsum(review_scores) / n
    if n == 1:
        return Iqs(1, mean, None, True)
    sd = math.sqrt(math.fsum((s - mean) ** 2 for s in review_scores) / (n - 1))
    return Iqs(n, mean, 1.96 * sd / math.sqrt(n), n < LOW_SAMPLE)
