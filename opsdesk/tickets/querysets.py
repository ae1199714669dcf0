"""Ticket scoping (who sees what) and the filters saved views are built from."""

from __future__ import annotations

import operator
from functools import reduce
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Q

from opsdesk.tickets.categories import UNSOLVED

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.customers.models import Customer
    from opsdesk.tickets.models import Message, Ticket  # noqa: F401


def visibility_branches(user: User) -> list[Q] | None:
    """What `user` may see as a union of simple filters (None: everything; []: nothing).

    `visible_to` ORs them together; keyset pages read each on its own index and merge (inbox.page), because SQLite
    answers "a OR b ORDER BY updated_at" by collecting and sorting every matching ticket."""
    from opsdesk.accounts.models import ALL_TICKET_ROLES, Role

    if not user.is_authenticated or not user.is_active:
        return []
    if user.role in ALL_TICKET_ROLES:
        return None
    if user.role == Role.CUSTOMER:
        customer = getattr(user, "customer", None)
        return [] if customer is None else customer_branches(customer)
    teams = user.team_ids()
    return [Q(assignee=user), *(Q(team_id=team) for team in teams), Q(team__isnull=True)]


def customer_branches(customer: Customer) -> list[Q]:
    """What a customer sees, with or without a portal login (an email from them counts the same): the tickets they
    requested, and their organization's when it shares tickets."""
    branches = [Q(requester=customer)]
    if customer.organization_id and customer.organization and customer.organization.shared_tickets:
        branches.append(Q(organization_id=customer.organization_id))
    return branches


def about_visible_tickets(rows: models.QuerySet[Any], user: User, field: str = "ticket_id") -> models.QuerySet[Any]:
    """Rows about tickets (`field` holds a ticket's id) cut to the tickets `user` may see; unchanged for those who
    see every ticket, so that the planner has no subquery to weigh (a drill-down's first page is then read from an
    index in order, 50 rows, instead of matching every row of the period against the ticket table)."""
    branches = visibility_branches(user)
    if branches is None:
        return rows
    if not branches:
        return rows.none()
    from django.apps import apps  # the model by name: querysets sit below models

    tickets = apps.get_model("tickets", "Ticket")._default_manager.visible_to(user)
    return rows.filter(**{f"{field}__in": tickets.values("pk")})


def _prefixed(q: Q, relation: str) -> Q:
    """The same filter on a related ticket: Q(team_id=2) → Q(ticket__team_id=2)."""
    copy = Q()
    copy.connector, copy.negated = q.connector, q.negated
    copy.children = [_prefixed_child(child, relation) for child in q.children]
    return copy


def _prefixed_child(child: Any, relation: str) -> Any:
    if isinstance(child, Q):
        return _prefixed(child, relation)
    name, value = child
    return (f"{relation}__{name}", value)


def joined_to_visible_tickets(rows: models.QuerySet[Any], user: User, relation: str = "ticket") -> models.QuerySet[Any]:
    """As `about_visible_tickets`, through a join to each row's ticket instead of a subquery of every visible
    ticket: for a period's rows read from their own index (the quality dashboard), the ticket of each is looked up
    by its id, where `ticket_id IN (every ticket of the team or nobody's)` read a million tickets first."""
    branches = visibility_branches(user)
    if branches is None:
        return rows
    if not branches:
        return rows.none()
    return rows.filter(reduce(operator.or_, [_prefixed(branch, relation) for branch in branches]))


class TicketQuerySet(models.QuerySet["Ticket"]):
    def visible_to_customer(self, customer: Customer) -> Self:
        return self.filter(reduce(operator.or_, customer_branches(customer)))

    def visible_to(self, user: User) -> Self:
        """The tickets `user` may see: all for admins and managers, their teams' for agents, their own for customers."""
        branches = visibility_branches(user)
        if branches is None:
            return self
        if not branches:
            return self.none()
        return self.filter(reduce(operator.or_, branches))

    def unsolved(self) -> Self:
        return self.filter(status_category__in=UNSOLVED)

    def live(self) -> Self:
        """Everything but merge sources."""
        return self.filter(merged_into__isnull=True)


class MessageQuerySet(models.QuerySet["Message"]):
    def visible_to(self, user: User) -> Self:
        """Messages on tickets `user` sees; customers see public messages only."""
        from opsdesk.accounts.models import ALL_TICKET_ROLES, Role

        ticket_model = self.model._meta.get_field("ticket").related_model
        tickets = ticket_model._default_manager.visible_to(user)  # type: ignore[union-attr]
        messages = self if user.role in ALL_TICKET_ROLES else self.filter(ticket__in=tickets.values("pk"))
        if user.role == Role.CUSTOMER:
            messages = messages.filter(visibility="public")
        return messages
