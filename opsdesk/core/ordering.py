"""Reordering rows that are tried in order (SLA policies, automation rules): swap one with its neighbour and number
them from 1 again, saving only the rows whose position changed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

M = TypeVar("M")  # a model with `position` and `updated_at`


def swap_with_neighbour(ordered: Sequence[M], pk: Any, *, up: bool) -> list[M]:
    """`ordered` (locked by the caller, in their order) with row `pk` moved one place up or down; unchanged at an
    end. Positions are renumbered from 1."""
    rows: list[Any] = list(ordered)
    index = next(i for i, row in enumerate(rows) if row.pk == pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(rows):
        return rows
    rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows, start=1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position", "updated_at"])
    return rows
