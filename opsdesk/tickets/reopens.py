"""Non-trivial reopens (METRICS.md §3 reopen rate, §5 targeted pools): a reopen (solved → an unsolved category) is
trivial when the ticket was solved again with no public agent reply since ("thanks!" reopening it); one still
unsolved counts. The analytics facts and the QA sample's reopen pool read the same rule from here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from opsdesk.tickets import categories

UNSOLVED = frozenset(categories.UNSOLVED)
DONE = frozenset(categories.DONE)


def is_public_agent_reply(data: Mapping[str, Any]) -> bool:
    """A `comment.added` event's data: a public reply written by an agent (not by a rule)."""
    return data.get("author_role") == "agent" and data.get("visibility") == "public" and not data.get("is_automated")


def nontrivial(events: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
    """The non-trivial reopens among a ticket's events, given in timeline order as (kind, data)."""
    count = 0
    open_reopen: bool | None = None  # a reopen not yet settled by a solve: whether an agent has replied since
    for kind, data in events:
        if kind == "comment.added":
            if open_reopen is False and is_public_agent_reply(data):
                open_reopen = True
        elif kind == "status.changed":
            old, new = data.get("from_category"), data.get("to_category")
            if old in UNSOLVED and new in DONE and open_reopen is not None:
                count += open_reopen
                open_reopen = None
            elif old == "solved" and new in UNSOLVED:
                open_reopen = False
    return count + (open_reopen is not None)
