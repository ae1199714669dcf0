"""QA sampling of METRICS.md §5: the reviewee of a conversation, and the random quota per agent per cycle drawn with
a stored seed (the same seed and the same eligible conversations give the same sample, in any order they came)."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import datetime

DEFAULT_QUOTA = 4  # per agent per weekly cycle


def reviewee(public_replies: Sequence[tuple[int, datetime]]) -> int | None:
    """The agent with the most public replies; a tie goes to the one who replied last."""
    counts: dict[int, int] = {}
    latest: dict[int, datetime] = {}
    for agent, at in public_replies:
        counts[agent] = counts.get(agent, 0) + 1
        latest[agent] = max(at, latest.get(agent, at))
    if not counts:
        return None
    return max(counts, key=lambda agent: (counts[agent], latest[agent]))


def draw(eligible: Mapping[int, Sequence[int]], *, quota: int = DEFAULT_QUOTA, seed: int) -> dict[int, list[int]]:
    """Per agent, `quota` of their eligible conversation ids, uniformly without replacement (all of them when fewer).
    Each agent's draw has its own generator seeded from (seed, agent), so adding or removing another agent changes
    nobody else's sample."""
    if quota < 0:
        raise ValueError("a quota is 0 or more")
    sample: dict[int, list[int]] = {}
    for agent in sorted(eligible):
        pool = sorted(set(eligible[agent]))
        if len(pool) <= quota:
            sample[agent] = pool
            continue
        generator = random.Random(f"{seed}:{agent}")  # noqa: S311 (a sample, not a secret)
        sample[agent] = sorted(generator.sample(pool, quota))
    return sample
