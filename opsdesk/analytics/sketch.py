"""Percentiles: exact on a list of values (METRICS.md §0, type 7), approximate on a rolled-up sketch.

A rollup cannot keep every value of a day, yet medians of many days must be mergeable, so each rollup row keeps a
log-bucketed histogram (the DDSketch construction, Masson et al. 2019): a value x ≥ 1 s falls in bucket
i = ⌈log_γ x⌉ with γ = (1 + α)/(1 − α), and the bucket is read back as 2γ^i/(γ + 1). Any quantile read from it is
within a relative error α of the value the same interpolation between order statistics gives on the data set
itself (METRICS.md §0, type 7); α = 2 %. Zero counts in its own
bucket 0, read back as 0. Sketches of days add bucket by bucket, so a period's sketch is exact to merge and the
rebuild and the incremental update produce the same rows. See docs/adr/0026-kpi-rollups.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

ALPHA = 0.02
GAMMA = (1 + ALPHA) / (1 - ALPHA)
_LOG_GAMMA = math.log(GAMMA)

Sketch = dict[int, int]


def bucket(seconds: int) -> int:
    """The bucket of a duration in whole seconds (≥ 0)."""
    if seconds <= 0:
        return 0
    return max(1, math.ceil(math.log(seconds) / _LOG_GAMMA - 1e-9))


def bucket_value(index: int) -> float:
    if index <= 0:
        return 0.0
    return 2 * GAMMA**index / (GAMMA + 1)


def add(sketch: Sketch, seconds: int, count: int = 1) -> None:
    i = bucket(seconds)
    sketch[i] = sketch.get(i, 0) + count


def merge(sketches: Iterable[Mapping[int, int] | Mapping[str, int]]) -> Sketch:
    """One sketch of many (rollup rows store their keys as JSON strings)."""
    merged: Sketch = {}
    for sketch in sketches:
        for key, count in sketch.items():
            i = int(key)
            merged[i] = merged.get(i, 0) + count
    return merged


def to_json(sketch: Mapping[int, int]) -> dict[str, int]:
    return {str(i): sketch[i] for i in sorted(sketch) if sketch[i]}


def quantile(sketch: Mapping[int, int], q: float) -> float | None:
    """The q-quantile (0 ≤ q ≤ 1) of the values in the sketch, the way `exact_quantile` takes it from the values
    themselves (type 7: the rank h = q·(n − 1), interpolated between the values of ranks ⌊h⌋ and ⌊h⌋ + 1), each
    value read back from its bucket; None when it is empty."""
    n = sum(sketch.values())
    if n <= 0:
        return None
    h = q * (n - 1)
    low = math.floor(h)
    wanted = (low, min(low + 1, n - 1))
    found: list[float] = []
    seen = 0
    for i in sorted(sketch):
        seen += sketch[i]
        while len(found) < 2 and seen > wanted[len(found)]:
            found.append(bucket_value(i))
        if len(found) == 2:
            break
    return found[0] + (h - low) * (found[1] - found[0])


def exact_quantile(values: Sequence[float], q: float) -> float | None:
    """METRICS.md §0: linear interpolation between order statistics (Hyndman–Fan type 7, like numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    h = (len(ordered) - 1) * q
    low = math.floor(h)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])
