"""Ticket scoping (who sees what) and the filters saved views are built from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.tickets.models import Message, Ticket  # noqa: F401

UNSOLVED = ("new", "open", "pending", "on_hold")


class TicketQuerySet(models.QuerySet["Ticket"]):
    def visible_to(self, user: User) -> Self:
        """The tickets `user` may see: all for admins and managers, their teams' for agents, their own for customers."""
        from opsdesk.accounts.models import Role

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role in (Role.ADMIN, Role.MANAGER):
            return self
        if user.role == Role.CUSTOMER:
            customer = getattr(user, "customer", None)
            if customer is None:
                return self.none()
            scope = Q(requester=customer)
            if customer.organization_id and customer.organization and customer.organization.shared_tickets:
                scope |= Q(organization_id=customer.organization_id)
            return self.filter(scope)
        return self.filter(Q(assignee=user) | Q(team__in=user.team_ids()) | Q(team__isnull=True))

    def unsolved(self) -> Self:
        return self.filter(status_category__in=UNSOLVED)

    def live(self) -> Self:
        """Everything but merge sources."""
        return self.filter(merged_into__isnull=True)


class MessageQuerySet(models.QuerySet["Message"]):
    def visible_to(self, user: User) -> Self:
        """Messages on tickets `user` sees; customers see public messages only."""
        from opsdesk.accounts.models import Role

        ticket_model = self.model._meta.get_field("ticket").related_model
        tickets = ticket_model._default_manager.visible_to(user)  # type: ignore[union-attr]
        messages = self if user.role in (Role.ADMIN, Role.MANAGER) else self.filter(ticket__in=tickets.values("pk"))
        if user.role == Role.CUSTOMER:
            messages = messages.filter(visibility="public")
        return messages
