"""Who may do what: one map from roles to named capabilities.

Actions check a capability (`require(user, Capability.X)`), and views, menus, templates and the API ask the same
question (`can(user, Capability.X)`, `{% if user|can:"edit_customers" %}`), so a rule is never re-typed as a list
of roles. Adding a role, or moving a capability between roles, is a change to ROLE_CAPABILITIES alone; the
permission matrix test (opsdesk/tests/test_permissions.py) walks every route against this map.

Which tickets a user sees is a separate question, answered only by `Ticket.objects.visible_to(user)`; what they may
do with one visible ticket (its team's write access) by `tickets.access.can_edit`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from opsdesk.accounts.models import Role
from opsdesk.core.errors import ActionError

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from opsdesk.accounts.models import User


class Capability(StrEnum):
    USE_WORKSPACE = "use_workspace"  # the agent pages: inbox, tickets, customers
    USE_PORTAL = "use_portal"  # the customer portal
    SEE_ALL_TICKETS = "see_all_tickets"
    NOTE = "note"  # internal notes on tickets one sees
    REPLY = "reply"  # public replies, and opening tickets for customers
    EDIT_TICKETS = "edit_tickets"  # change fields, status, assignment; merge, split, link (within team access)
    BE_ASSIGNED = "be_assigned"  # may own tickets
    BULK_UPDATE = "bulk_update"
    SHARE_VIEWS = "share_views"  # save views for everyone
    MANAGE_SHARED_VIEWS = "manage_shared_views"  # delete anyone's saved views
    EDIT_CUSTOMERS = "edit_customers"  # create customers, edit names, phones, notes, custom fields
    NOTE_CUSTOMERS = "note_customers"  # add a note to a customer
    EDIT_CUSTOMER_ADDRESSES = "edit_customer_addresses"  # change a customer's email addresses
    INVITE_CUSTOMERS = "invite_customers"  # give a customer a portal login
    MERGE_CUSTOMERS = "merge_customers"
    IMPORT_CUSTOMERS = "import_customers"
    MANAGE_ORGANIZATIONS = "manage_organizations"
    VIEW_AUDIT = "view_audit"
    VIEW_REPORTS = "view_reports"  # analytics dashboards and drill-downs (of one's teams without see_all_tickets)
    VIEW_OWN_STATS = "view_own_stats"  # an agent's own dashboard: the figures attributed to them
    MANAGE_REPORTS = "manage_reports"  # goals, scheduled reports, dashboard links for other departments
    MANAGE_SCHEDULES = "manage_schedules"
    MANAGE_SLA = "manage_sla"  # business calendars, SLA policies and their escalations
    MANAGE_ROUTING = "manage_routing"  # teams' routing strategies, agents' skills, languages and capacity
    MANAGE_AUTOMATION = "manage_automation"  # triggers, time rules, shared macros; their dry runs and logs
    MANAGE_INTEGRATIONS = "manage_integrations"  # outbound and inbound webhooks, Slack and Teams channels
    MANAGE_USERS = "manage_users"
    MANAGE_TEAMS = "manage_teams"
    MANAGE_SETTINGS = "manage_settings"  # statuses, fields, canned responses, event consumers, outgoing mail
    MANAGE_CHANNELS = "manage_channels"  # mailboxes, quarantined mail, chat widget, web forms, telephony webhook
    ANSWER_CHATS = "answer_chats"  # take and answer live chats
    LOG_CALLS = "log_calls"  # log phone calls on customers and tickets
    MANAGE_QUALITY = "manage_quality"  # surveys (CSAT, NPS, CES): questions, timing, sampling and fatigue rules
    REVIEW_QUALITY = "review_quality"  # QA: scorecards, reviews of the teams' tickets, samples, resolving disputes
    PLAN_WORKFORCE = "plan_workforce"  # planning queues, forecasts, staffing plans and the staffing what-if
    MANAGE_BUDGET = "manage_budget"  # cost centres, budget versions and their approval, actuals


C = Capability
_AGENT = frozenset(
    {C.USE_WORKSPACE, C.NOTE, C.REPLY, C.EDIT_TICKETS, C.BE_ASSIGNED, C.BULK_UPDATE, C.EDIT_CUSTOMERS}
    | {C.NOTE_CUSTOMERS, C.ANSWER_CHATS, C.LOG_CALLS, C.VIEW_OWN_STATS}
)
_LEAD = _AGENT | {C.SHARE_VIEWS, C.VIEW_REPORTS, C.REVIEW_QUALITY}
_MANAGER = (
    _LEAD
    | {C.SEE_ALL_TICKETS, C.MANAGE_SHARED_VIEWS, C.EDIT_CUSTOMER_ADDRESSES, C.INVITE_CUSTOMERS, C.MERGE_CUSTOMERS}
    | {C.IMPORT_CUSTOMERS, C.MANAGE_ORGANIZATIONS, C.VIEW_AUDIT, C.MANAGE_SCHEDULES, C.MANAGE_SLA}
    | {C.MANAGE_ROUTING, C.MANAGE_AUTOMATION, C.MANAGE_INTEGRATIONS, C.MANAGE_REPORTS, C.MANAGE_QUALITY}
    | {C.PLAN_WORKFORCE, C.MANAGE_BUDGET}
)

# Changing a customer's addresses, inviting them to the portal and merging customers (which moves every ticket of
# one to the other, whatever their team) reach tickets beyond a team: only roles that see every ticket hold them.
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: _MANAGER | {C.MANAGE_USERS, C.MANAGE_TEAMS, C.MANAGE_SETTINGS, C.MANAGE_CHANNELS},
    Role.MANAGER: _MANAGER,
    Role.TEAM_LEAD: _LEAD,
    Role.AGENT: _AGENT,
    Role.LIGHT_AGENT: frozenset({C.USE_WORKSPACE, C.NOTE, C.NOTE_CUSTOMERS}),
    Role.CUSTOMER: frozenset({C.USE_PORTAL}),
}


def can(user: User | AnonymousUser | None, capability: Capability | str) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return Capability(capability) in ROLE_CAPABILITIES.get(getattr(user, "role", ""), frozenset())


def require(user: User | None, capability: Capability | str) -> None:
    """For actions: refuse (403) unless `user` holds the capability. None, the system actor, holds every one."""
    if user is not None and not can(user, capability):
        raise ActionError("forbidden", _("Your role does not allow this."), status=403)


def check(user: User | AnonymousUser | None, capability: Capability | str) -> None:
    """For views: PermissionDenied (a 403 page) unless `user` holds the capability."""
    if not can(user, capability):
        raise PermissionDenied


def roles_with(capability: Capability | str) -> list[str]:
    """The roles that hold a capability, e.g. to list the users tickets can be assigned to."""
    return [role for role, held in ROLE_CAPABILITIES.items() if Capability(capability) in held]
