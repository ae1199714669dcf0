"""The dispute rules of METRICS.md §5: who may dispute and until when, the states and their moves."""

from __future__ import annotations

from datetime import datetime, timedelta

OPEN, ACCEPTED, PARTIALLY_ACCEPTED, REJECTED, WITHDRAWN = (
    "open",
    "accepted",
    "partially_accepted",
    "rejected",
    "withdrawn",
)
STATES = (OPEN, ACCEPTED, PARTIALLY_ACCEPTED, REJECTED, WITHDRAWN)
RESOLVED = (ACCEPTED, PARTIALLY_ACCEPTED, REJECTED)
WINDOW = timedelta(days=7)  # from the review being shared (configurable)
MOVES = {OPEN: {ACCEPTED, PARTIALLY_ACCEPTED, REJECTED, WITHDRAWN}}  # every other state is final


class DisputeRefused(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def check_open(
    *, shared_at: datetime | None, now: datetime, comment: str, states: list[str], window: timedelta = WINDOW
) -> None:
    """A new dispute of a review whose earlier disputes are in `states`: refused when the review is not shared, the
    window has passed, the comment is empty, or another dispute is open. A rejected one does not stop a new one."""
    if shared_at is None:
        raise DisputeRefused("not_shared")
    if now > shared_at + window:
        raise DisputeRefused("window_closed")
    if not comment.strip():
        raise DisputeRefused("comment_required")
    if OPEN in states:
        raise DisputeRefused("already_open")


def check_move(state: str, to: str, *, comment: str) -> None:
    """Resolve or withdraw an open dispute; a resolution needs the resolver's comment. Final states never move."""
    if to not in MOVES.get(state, set()):
        raise DisputeRefused("final" if state != OPEN else "unknown_state")
    if to in RESOLVED and not comment.strip():
        raise DisputeRefused("comment_required")


def recompute(state: str) -> bool:
    """Whether the review's score is recomputed from the proposed ratings (the original stays in the audit trail)."""
    return state in (ACCEPTED, PARTIALLY_ACCEPTED)
