"""The agent's own presence in the REST API: read it, or set it by hand (as the top bar's menu does), e.g. from a
telephony client or a desktop app when the agent starts and ends the day."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema

from opsdesk.accounts.capabilities import Capability, can
from opsdesk.accounts.models import User
from opsdesk.core.schemas import ERRORS
from opsdesk.routing import actions
from opsdesk.routing.models import AgentProfile

router = Router(tags=["routing"])


class PresenceOut(Schema):
    presence: str = Field(..., description="online, away or offline.")
    set_by_hand: bool = Field(..., description="Set by the agent (true) or by activity and idleness (false).")
    changed_at: datetime | None = Field(None, description="When the presence last changed.")
    last_active_at: datetime | None = Field(None, description="The agent's last activity, within a minute.")


class PresenceIn(Schema):
    presence: Literal["online", "away", "offline"] = Field(..., description="online, away or offline.")


def _out(profile: AgentProfile | None) -> PresenceOut:
    if profile is None:
        return PresenceOut(
            presence=AgentProfile.Presence.OFFLINE, set_by_hand=False, changed_at=None, last_active_at=None
        )
    return PresenceOut(
        presence=profile.presence,
        set_by_hand=profile.presence_by_hand,
        changed_at=profile.presence_changed_at,
        last_active_at=profile.last_active_at,
    )


def _agent(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    if not can(user, Capability.BE_ASSIGNED):
        raise PermissionDenied
    return user


@router.get("/me/presence", response={200: PresenceOut, **ERRORS}, summary="Your presence for routing")
def presence_get(request: HttpRequest) -> PresenceOut:
    return _out(AgentProfile.objects.filter(user=_agent(request)).first())


@router.put("/me/presence", response={200: PresenceOut, **ERRORS}, summary="Set your presence by hand")
def presence_put(request: HttpRequest, payload: PresenceIn) -> PresenceOut:
    user = _agent(request)
    return _out(actions.set_presence(user, presence=payload.presence, actor=user))
