"""Agent states (METRICS §6.5): each change closes the agent's open span and opens the next, once (the same state
again changes nothing). Routing calls `presence_changed` when presence changes; an agent sets a break, lunch,
meeting or training, or is available again, with `choose`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, require
from opsdesk.core.errors import ActionError
from opsdesk.workforce.models import AgentState

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

State = AgentState.State
CHOSEN = (State.AVAILABLE, State.BREAK, State.LUNCH, State.MEETING, State.TRAINING)
AUX = (State.BREAK, State.LUNCH, State.MEETING, State.TRAINING)
PRESENCE = {"online": State.AVAILABLE, "away": State.BREAK, "offline": State.OFFLINE}


def CHOSEN_LABELS() -> list[tuple[str, str]]:  # noqa: N802 - a constant read in the request's language
    labels = dict(State.choices)
    return [(state.value, str(labels[state.value])) for state in CHOSEN]


def record(user_id: int, state: str, *, at: datetime | None = None) -> AgentState | None:
    """Close the open span and open `state` from `at`; nothing when the agent is in it already."""
    at = at or timezone.now()
    try:
        with transaction.atomic():
            current = AgentState.objects.select_for_update().filter(agent_id=user_id, end__isnull=True).first()
            if current is not None:
                if current.state == state:
                    return None
                AgentState.objects.filter(pk=current.pk).update(end=max(at, current.start))
            return AgentState.objects.create(agent_id=user_id, state=state, start=at)
    except IntegrityError:  # a concurrent change opened a span first: it stands
        return None


def presence_changed(user_ids: Iterable[int], presence: str, *, at: datetime | None = None) -> None:
    """Presence from the workspace: online is available; away is a break unless the agent chose another break-like
    state (lunch, meeting, training); offline is offline."""
    state = PRESENCE.get(presence)
    if state is None:
        return
    for user_id in user_ids:
        if state == State.BREAK:
            current = AgentState.objects.filter(agent_id=user_id, end__isnull=True).values_list("state", flat=True)
            if current.first() in AUX:
                continue
        record(user_id, state, at=at)


def choose(user: User, *, state: str, actor: User) -> AgentState | None:
    """The agent's own choice of state (available, or a break, lunch, meeting or training)."""
    if actor.pk != user.pk:
        raise ActionError("own_state", _("Only the agent sets their own state."))
    require(actor, Capability.BE_ASSIGNED)
    if state not in CHOSEN:
        raise ActionError(
            "invalid_state", _("Choose available, break, lunch, meeting or training."), field="state", status=422
        )
    return record(user.pk, state)
