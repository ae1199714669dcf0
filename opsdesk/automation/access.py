"""Which macros an agent may apply: their own, and shared ones for everyone or for one of their teams."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from opsdesk.automation.models import Macro

if TYPE_CHECKING:
    from opsdesk.accounts.models import User


def usable_macros(user: User) -> QuerySet[Macro]:
    teams = user.memberships.values("team_id")
    return Macro.objects.filter(
        Q(owner=user) | Q(owner__isnull=True, team__isnull=True) | Q(owner__isnull=True, team__in=teams)
    )
