"""Factories shared by every app's tests: a small world with one persona per role, built through the actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from opsdesk.accounts import actions as account_actions
from opsdesk.accounts.models import Role, User
from opsdesk.customers import actions as customer_actions
from opsdesk.customers.models import Customer, CustomerOrganization
from opsdesk.people import actions as people_actions
from opsdesk.people.models import Team, TeamMembership
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets.models import Ticket

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    admin: User
    manager: User
    lead: User
    agent: User
    other_agent: User
    light_agent: User
    customer_user: User
    customer: Customer
    other_customer: Customer
    organization: CustomerOrganization
    support: Team
    billing: Team

    def ticket(self, **kwargs: Any) -> Ticket:
        """A ticket written by a customer (through the action), in the support team unless told otherwise."""
        defaults: dict[str, Any] = {
            "subject": "Printer on fire",
            "body": "It is on fire.",
            "requester": self.customer,
            "actor": None,
            "team": self.support,
        }
        defaults.update(kwargs)
        return ticket_actions.create_ticket(**defaults)


def make_user(email: str, role: str, name: str = "", **kwargs: Any) -> User:
    return account_actions.create_user(
        email=email, name=name or email.split("@")[0].title(), role=role, password=PASSWORD, actor=None, **kwargs
    )


def build_world() -> World:
    admin = make_user("admin@example.com", Role.ADMIN, "Ada Admin")
    manager = make_user("manager@example.com", Role.MANAGER, "Mona Manager")
    lead = make_user("lead@example.com", Role.TEAM_LEAD, "Leo Lead")
    agent = make_user("agent@example.com", Role.AGENT, "Alice Agent")
    other_agent = make_user("other@example.com", Role.AGENT, "Otto Other")
    light = make_user("light@example.com", Role.LIGHT_AGENT, "Lily Light")
    support = people_actions.save_team(None, name="Support", languages=["en"], actor=admin)
    billing = people_actions.save_team(None, name="Billing", languages=["fi"], actor=admin)
    people_actions.set_membership(support, user=agent, member=True, actor=admin)
    people_actions.set_membership(support, user=lead, member=True, is_lead=True, actor=admin)
    people_actions.set_membership(support, user=light, member=True, access=TeamMembership.Access.NOTES, actor=admin)
    people_actions.set_membership(billing, user=other_agent, member=True, actor=admin)
    org = customer_actions.create_organization(name="Acme", domains=["acme.example"], actor=admin)
    customer = customer_actions.create_customer(name="Carl Customer", emails=["carl@acme.example"], actor=admin)
    other_customer = customer_actions.create_customer(name="Dora Else", emails=["dora@else.example"], actor=admin)
    customer_user = customer_actions.create_portal_login(customer.pk, password=PASSWORD, actor=admin)
    customer.refresh_from_db()
    return World(
        admin, manager, lead, agent, other_agent, light, customer_user, customer, other_customer, org, support, billing
    )
