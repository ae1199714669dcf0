"""Who may see which call records: everyone who sees every ticket sees every call; other staff see the calls they
took, the calls of their teams and the calls linked to tickets they see. Customers and visitors see none."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.apps import apps
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.messaging.models import CallRecord  # noqa: F401


class CallRecordQuerySet(models.QuerySet["CallRecord"]):
    def visible_to(self, user: User) -> Self:
        from opsdesk.accounts.capabilities import Capability, can

        if not can(user, Capability.USE_WORKSPACE):
            return self.none()
        if can(user, Capability.SEE_ALL_TICKETS):
            return self
        tickets = apps.get_model("tickets", "Ticket").objects.visible_to(user).values("pk")
        return self.filter(Q(agent=user) | Q(team__in=user.team_ids()) | Q(ticket__in=tickets))
