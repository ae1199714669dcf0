"""The permission matrix: every route of the URL configuration, tried as every role.

The test walks the URL resolver and fails on a route the matrix does not cover, so a new page cannot ship without
its access rules. "Allowed" means the view ran (200, a form error 400, or a redirect that is not to sign-in);
"denied" means 403, 404, or a redirect to sign-in for visitors.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from opsdesk.accounts import actions as account_actions
from opsdesk.accounts.capabilities import Capability, roles_with
from opsdesk.accounts.models import Role
from opsdesk.core.models import OutgoingMail
from opsdesk.fields.models import CustomField
from opsdesk.messaging.models import Mailbox
from opsdesk.people import actions as people_actions
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets.models import CannedResponse, SavedView, TicketStatus

ROLES = ["anon", "customer", "light", "agent", "other", "lead", "manager", "admin"]
PERSONA_ROLE = {
    "customer": Role.CUSTOMER,
    "light": Role.LIGHT_AGENT,
    "agent": Role.AGENT,
    "other": Role.AGENT,
    "lead": Role.TEAM_LEAD,
    "manager": Role.MANAGER,
    "admin": Role.ADMIN,
}


def holders(capability: Capability) -> set[str]:
    """The personas whose role holds `capability` in accounts.capabilities: the matrix reads the one map."""
    return {persona for persona, role in PERSONA_ROLE.items() if role in roles_with(capability)}


STAFF = {"light", "agent", "other", "lead", "manager", "admin"}
SIGNED_IN = STAFF | {"customer"}
EVERYONE = set(ROLES)
SEES_TICKET = {"light", "agent", "lead", "manager", "admin"}  # "other" is in another team
EDITS_TICKET = {"agent", "lead", "manager", "admin"}
EDITORS = {"agent", "other", "lead", "manager", "admin"}
CUSTOMER = {"customer"}  # the requester of the world's tickets, through the API as in the portal
MANAGERS = {"manager", "admin"}
FIGURES = holders(Capability.VIEW_REPORTS) | holders(Capability.VIEW_OWN_STATS)
ADMIN = {"admin"}

# url name -> (method, roles allowed)
MATRIX: dict[str, tuple[str, set[str]]] = {
    "home": ("GET", SIGNED_IN),
    "health": ("GET", EVERYONE),
    "contact": ("GET", EVERYONE),
    "contact_thanks": ("GET", EVERYONE),
    "follow_request": ("GET", set()),  # no role: the mailed token decides, a wrong one is a 404 (tickets/tests)
    "survey_answer": ("GET", set()),  # no role: the signed link decides, a wrong one is a 404 (quality/tests)
    "survey_opt_out": ("POST", set()),
    "quality:survey_list": ("GET", holders(Capability.MANAGE_QUALITY)),
    "quality:survey_create": ("GET", holders(Capability.MANAGE_QUALITY)),
    "quality:survey_edit": ("GET", holders(Capability.MANAGE_QUALITY)),
    "qa:qa_home": ("GET", STAFF),
    "qa:dashboard": ("GET", holders(Capability.VIEW_REPORTS)),
    "qa:drill": ("GET", holders(Capability.VIEW_REPORTS)),
    "qa:feedback": ("GET", holders(Capability.VIEW_REPORTS)),
    "qa:agent_quality": ("GET", holders(Capability.REVIEW_QUALITY)),
    "qa:coaching_create": ("POST", holders(Capability.REVIEW_QUALITY)),
    "qa:coaching_done": ("POST", {"agent"} | holders(Capability.REVIEW_QUALITY)),
    "qa:feedback_export": ("GET", holders(Capability.VIEW_REPORTS)),
    "analytics:feedback_share": ("POST", holders(Capability.MANAGE_REPORTS)),
    "qa:scorecard_list": ("GET", holders(Capability.REVIEW_QUALITY)),
    "qa:sample_draw": ("POST", holders(Capability.REVIEW_QUALITY)),
    "qa:calibration_create": ("GET", holders(Capability.REVIEW_QUALITY)),
    "qa:calibration_history": ("GET", holders(Capability.REVIEW_QUALITY)),
    "workforce:home": ("GET", holders(Capability.PLAN_WORKFORCE)),
    "workforce:what_if": ("GET", holders(Capability.PLAN_WORKFORCE)),
    "workforce:what_if_deferred": ("GET", holders(Capability.PLAN_WORKFORCE)),
    "workforce:queue_create": ("POST", holders(Capability.PLAN_WORKFORCE)),
    "workforce:queue_detail": ("GET", holders(Capability.PLAN_WORKFORCE)),
    "workforce:forecast_create": ("POST", holders(Capability.PLAN_WORKFORCE)),
    "workforce:forecast_detail": ("GET", holders(Capability.PLAN_WORKFORCE)),
    "workforce:forecast_adjust": ("POST", holders(Capability.PLAN_WORKFORCE)),
    "workforce:plan_create": ("POST", holders(Capability.PLAN_WORKFORCE)),
    "workforce:plan_detail": ("GET", holders(Capability.PLAN_WORKFORCE)),
    "workforce:schedule_week": ("GET", holders(Capability.MANAGE_SCHEDULES)),
    "workforce:shift_place": ("POST", holders(Capability.MANAGE_SCHEDULES)),
    "workforce:shift_move": ("POST", holders(Capability.MANAGE_SCHEDULES)),
    "workforce:shift_remove": ("POST", holders(Capability.MANAGE_SCHEDULES)),
    "workforce:schedule_publish": ("POST", holders(Capability.MANAGE_SCHEDULES)),
    "workforce:rotation_apply": ("POST", holders(Capability.MANAGE_SCHEDULES)),
    "workforce:template_list": ("GET", holders(Capability.MANAGE_SCHEDULES)),
    "workforce:time_off_list": ("GET", holders(Capability.MANAGE_SCHEDULES)),
    "workforce:time_off_decide": ("POST", holders(Capability.MANAGE_SCHEDULES)),
    "workforce:adherence": ("GET", holders(Capability.VIEW_REPORTS)),
    "workforce:budget_list": ("GET", holders(Capability.MANAGE_BUDGET)),
    "workforce:actuals_import": ("POST", holders(Capability.MANAGE_BUDGET)),
    "workforce:actual_save": ("POST", holders(Capability.MANAGE_BUDGET)),
    "workforce:budget_detail": ("GET", holders(Capability.MANAGE_BUDGET)),
    "workforce:budget_line_add": ("POST", holders(Capability.MANAGE_BUDGET)),
    "workforce:budget_advance": ("POST", holders(Capability.MANAGE_BUDGET)),
    "workforce:budget_xlsx": ("GET", holders(Capability.MANAGE_BUDGET)),
    "workforce:budget_summary": ("GET", holders(Capability.MANAGE_BUDGET)),
    "workforce:my_schedule": ("GET", holders(Capability.BE_ASSIGNED)),
    "workforce:my_state": ("POST", holders(Capability.BE_ASSIGNED)),
    "workforce:my_schedule_ics": ("GET", holders(Capability.BE_ASSIGNED)),
    # a calibration's pages: its calibrator and participants only (the admin started it, with the manager)
    "qa:calibration_detail": ("GET", {"admin", "manager"}),
    "qa:calibration_score": ("GET", {"admin", "manager"}),
    "qa:calibration_reveal": ("POST", {"admin"}),
    "qa:sample_detail": ("GET", holders(Capability.REVIEW_QUALITY)),
    "qa:scorecard_create": ("GET", holders(Capability.REVIEW_QUALITY)),
    "qa:scorecard_edit": ("GET", holders(Capability.REVIEW_QUALITY)),
    "qa:ticket_review": ("GET", holders(Capability.REVIEW_QUALITY) & SEES_TICKET),
    # a shared review of the agent's work: the agent reviewed and the leads who see the ticket
    "qa:review_detail": ("GET", {"agent"} | (holders(Capability.REVIEW_QUALITY) & SEES_TICKET)),
    "qa:review_share": ("POST", holders(Capability.REVIEW_QUALITY) & SEES_TICKET),
    "qa:review_acknowledge": ("POST", {"agent"}),
    "qa:review_dispute": ("POST", {"agent"} | (holders(Capability.REVIEW_QUALITY) & SEES_TICKET)),
    "qa:dispute_resolve": ("POST", holders(Capability.REVIEW_QUALITY) & SEES_TICKET),
    "accounts:sign_in": ("GET", EVERYONE),
    "accounts:sign_out": ("POST", EVERYONE),
    "accounts:link_request": ("GET", EVERYONE),
    "accounts:link_sign_in": ("GET", EVERYONE),
    "accounts:sign_in_code": ("GET", set()),  # only inside a sign-in, between the password and the code
    "accounts:password_reset": ("GET", EVERYONE),
    "accounts:password_reset_confirm": ("GET", EVERYONE),  # an unknown token gets the "invalid link" page
    "accounts:password_change": ("GET", SIGNED_IN),
    "accounts:two_factor": ("GET", STAFF),
    "accounts:two_factor_setup": ("GET", STAFF),  # and a user whose role requires it, after the password step
    "accounts:two_factor_disable": ("POST", STAFF),
    "accounts:sign_in_policy": ("GET", ADMIN),
    "accounts:user_two_factor_reset": ("POST", ADMIN),
    "accounts:preferences_edit": ("GET", SIGNED_IN),
    "accounts:token_list": ("GET", SIGNED_IN),
    "accounts:token_revoke": ("POST", ADMIN),  # the token belongs to the admin
    "accounts:user_list": ("GET", ADMIN),
    "accounts:user_create": ("GET", ADMIN),
    "accounts:user_edit": ("GET", ADMIN),
    "ticket_events:consumer_list": ("GET", ADMIN),
    "tickets:ticket_list": ("GET", STAFF),
    "tickets:ticket_counts": ("GET", STAFF),
    "tickets:ticket_bulk": ("POST", EDITS_TICKET | {"other"}),
    "tickets:ticket_create": ("GET", EDITORS),
    "tickets:saved_view_create": ("POST", STAFF),
    "tickets:saved_view_delete": ("POST", {"agent", "manager", "admin"}),  # the view belongs to the agent
    "tickets:attachment_download": ("GET", SEES_TICKET),
    "tickets:ticket_detail": ("GET", SEES_TICKET),
    "tickets:ticket_conversation": ("GET", SEES_TICKET),
    "tickets:ticket_history": ("GET", SEES_TICKET),
    "tickets:ticket_presence": ("POST", SEES_TICKET),
    "tickets:ticket_presence_events": ("GET", SEES_TICKET),  # without its connection id: a 400, never a stream
    "tickets:ticket_reply": ("POST", EDITS_TICKET),
    "tickets:ticket_note": ("POST", SEES_TICKET),
    "tickets:ticket_update": ("POST", EDITS_TICKET),
    "tickets:ticket_set_status": ("POST", EDITS_TICKET),
    "tickets:ticket_assign": ("POST", EDITS_TICKET),
    "tickets:ticket_set_team": ("POST", EDITS_TICKET),
    "tickets:ticket_set_priority": ("POST", EDITS_TICKET),
    "tickets:ticket_set_type": ("POST", EDITS_TICKET),
    "tickets:ticket_set_tags": ("POST", EDITS_TICKET),
    "tickets:ticket_set_fields": ("POST", EDITS_TICKET),
    "tickets:ticket_follow": ("POST", SEES_TICKET),
    "tickets:ticket_merge": ("POST", EDITS_TICKET),
    "tickets:ticket_link": ("POST", EDITS_TICKET),
    "tickets:ticket_split": ("POST", EDITS_TICKET),
    "notifications:notification_list": ("GET", STAFF),
    "notifications:notification_count": ("GET", STAFF),
    "portal:ticket_list": ("GET", {"customer"}),
    "portal:ticket_create": ("GET", {"customer"}),
    "portal:ticket_detail": ("GET", {"customer"}),
    "portal:ticket_reply": ("POST", {"customer"}),
    "portal:ticket_solve": ("POST", {"customer"}),
    "portal:attachment_download": ("GET", {"customer"}),
    "customers:customer_list": ("GET", STAFF),
    "customers:customer_create": ("GET", EDITORS),
    "customers:customer_import": ("GET", MANAGERS),
    "customers:customer_detail": ("GET", STAFF),
    "customers:customer_edit": ("GET", holders(Capability.EDIT_CUSTOMERS)),
    "customers:customer_note": ("POST", holders(Capability.NOTE_CUSTOMERS)),
    "customers:customer_merge": ("POST", holders(Capability.MERGE_CUSTOMERS)),
    "customers:customer_invite": ("POST", holders(Capability.INVITE_CUSTOMERS)),
    "customers:organization_list": ("GET", STAFF),
    "customers:organization_create": ("GET", MANAGERS),
    "customers:organization_detail": ("GET", STAFF),
    "customers:organization_edit": ("GET", MANAGERS),
    "people:team_list": ("GET", STAFF),
    "people:team_create": ("GET", ADMIN),
    "people:team_detail": ("GET", STAFF),
    "people:team_edit": ("GET", ADMIN),
    "people:team_member_set": ("POST", ADMIN),
    "audit:event_list": ("GET", MANAGERS),
    "audit:event_export": ("GET", MANAGERS),
    "messaging:mail_list": ("GET", holders(Capability.MANAGE_SETTINGS)),
    "messaging:mail_resend": ("POST", EDITS_TICKET),  # a failed mail about the ticket
    "chat:chat_list": ("GET", holders(Capability.ANSWER_CHATS)),
    "chat:chat_queue": ("GET", holders(Capability.ANSWER_CHATS)),
    "chat:chat_queue_events": ("GET", holders(Capability.ANSWER_CHATS)),
    "chat:chat_waiting_count": ("GET", holders(Capability.ANSWER_CHATS)),
    "chat:chat_detail": ("GET", holders(Capability.ANSWER_CHATS) & SEES_TICKET),  # a support team's chat
    "chat:chat_events": ("GET", holders(Capability.ANSWER_CHATS) & SEES_TICKET),
    "chat:chat_accept": ("POST", holders(Capability.ANSWER_CHATS) & SEES_TICKET),
    "chat:chat_send": ("POST", holders(Capability.ANSWER_CHATS) & SEES_TICKET),
    "chat:chat_typing": ("POST", holders(Capability.ANSWER_CHATS) & SEES_TICKET),
    "chat:chat_end": ("POST", holders(Capability.ANSWER_CHATS) & SEES_TICKET),
    "chat:widget_list": ("GET", holders(Capability.MANAGE_CHANNELS)),
    "chat:widget_create": ("GET", holders(Capability.MANAGE_CHANNELS)),
    "chat:widget_edit": ("GET", holders(Capability.MANAGE_CHANNELS)),
    # The chat widget's public endpoints: anyone may call them; a chat's own ones answer 401 without its visitor's
    # bearer token (messaging/tests/test_chat_widget_api.py covers the token, the origins and the limits).
    "chat_widget:widget_config": ("GET", EVERYONE),
    "chat_widget:chat_start": ("POST", EVERYONE),
    "chat_widget:chat_send": ("POST", EVERYONE),
    "chat_widget:chat_typing": ("POST", EVERYONE),
    "chat_widget:chat_stream": ("GET", EVERYONE),
    "chat_widget:chat_end": ("POST", EVERYONE),
    "chat_widget:chat_transcript": ("POST", EVERYONE),
    "inbound_mail:inbound_list": ("GET", holders(Capability.MANAGE_CHANNELS)),
    "inbound_mail:inbound_detail": ("GET", holders(Capability.MANAGE_CHANNELS)),
    "inbound_mail:inbound_download": ("GET", holders(Capability.MANAGE_CHANNELS)),
    "inbound_mail:inbound_retry": ("POST", holders(Capability.MANAGE_CHANNELS)),
    "inbound_mail:inbound_discard": ("POST", holders(Capability.MANAGE_CHANNELS)),
    "mailboxes:mailbox_list": ("GET", holders(Capability.MANAGE_CHANNELS)),
    "mailboxes:mailbox_create": ("GET", holders(Capability.MANAGE_CHANNELS)),
    "mailboxes:mailbox_edit": ("GET", holders(Capability.MANAGE_CHANNELS)),
    "mailboxes:mailbox_set_active": ("POST", holders(Capability.MANAGE_CHANNELS)),
    "mailboxes:mailbox_test": ("POST", holders(Capability.MANAGE_CHANNELS)),
    "api:openapi-json": ("GET", EVERYONE),
    "api:openapi-view": ("GET", EVERYONE),
    "api:api-root": ("GET", set()),  # the API's base path answers 404; its operations are in API_MATRIX below
    "ticket_settings:settings_index": ("GET", ADMIN),
    "ticket_settings:untranslated_list": ("GET", ADMIN),
    "ticket_settings:status_create": ("GET", ADMIN),
    "ticket_settings:status_edit": ("GET", ADMIN),
    "ticket_settings:custom_field_create": ("GET", ADMIN),
    "ticket_settings:custom_field_edit": ("GET", ADMIN),
    "ticket_settings:canned_response_create": ("GET", ADMIN),
    "ticket_settings:canned_response_edit": ("GET", ADMIN),
    "ticket_settings:canned_response_delete": ("POST", ADMIN),
    "calls:call_list": ("GET", STAFF),  # scoped to the calls of their tickets and teams
    "sla_queue:queue_risk": ("GET", STAFF),  # scoped to their teams
    "calls:call_create": ("GET", holders(Capability.LOG_CALLS)),
    "channel_settings:channel_index": ("GET", holders(Capability.MANAGE_CHANNELS)),
    "channel_settings:webform_list": ("GET", holders(Capability.MANAGE_CHANNELS)),
    "channel_settings:webform_create": ("GET", holders(Capability.MANAGE_CHANNELS)),
    "channel_settings:webform_edit": ("GET", holders(Capability.MANAGE_CHANNELS)),
    "channel_settings:telephony_list": ("GET", holders(Capability.MANAGE_CHANNELS)),
    "channel_settings:telephony_rotate": ("POST", holders(Capability.MANAGE_CHANNELS)),
    "channel_settings:telephony_toggle": ("POST", holders(Capability.MANAGE_CHANNELS)),
    "webforms:webform_public": ("GET", EVERYONE),
    "webforms:webform_thanks": ("GET", EVERYONE),
    "webforms:webform_embed": ("GET", EVERYONE),
    "hooks:telephony_calls": ("POST", EVERYONE),  # no role: its signature decides (401 here; messaging/tests)
    "sla:calendar_list": ("GET", holders(Capability.MANAGE_SLA)),
    "sla:calendar_create": ("GET", holders(Capability.MANAGE_SLA)),
    "sla:calendar_detail": ("GET", holders(Capability.MANAGE_SLA)),
    "sla:calendar_edit": ("GET", holders(Capability.MANAGE_SLA)),
    "sla:calendar_set_default": ("POST", holders(Capability.MANAGE_SLA)),
    "sla:calendar_check": ("GET", holders(Capability.MANAGE_SLA)),  # 400 without a start: the view ran
    "sla:holiday_add": ("POST", holders(Capability.MANAGE_SLA)),
    "sla:holiday_import": ("POST", holders(Capability.MANAGE_SLA)),
    "sla:holiday_feed": ("POST", holders(Capability.MANAGE_SLA)),
    "sla:holiday_generate": ("POST", holders(Capability.MANAGE_SLA)),
    "sla:holiday_delete": ("POST", holders(Capability.MANAGE_SLA)),
    "sla:exception_save": ("POST", holders(Capability.MANAGE_SLA)),
    "sla:exception_delete": ("POST", holders(Capability.MANAGE_SLA)),
    "sla:policy_list": ("GET", holders(Capability.MANAGE_SLA)),
    "sla:policy_create": ("GET", holders(Capability.MANAGE_SLA)),
    "sla:policy_detail": ("GET", holders(Capability.MANAGE_SLA)),
    "sla:policy_delete": ("POST", holders(Capability.MANAGE_SLA)),
    "sla:policy_move": ("POST", holders(Capability.MANAGE_SLA)),
    "sla:escalation_create": ("POST", holders(Capability.MANAGE_SLA)),
    "sla:escalation_edit": ("GET", holders(Capability.MANAGE_SLA)),
    "sla:escalation_delete": ("POST", holders(Capability.MANAGE_SLA)),
    "automation:rule_list": ("GET", holders(Capability.MANAGE_AUTOMATION)),
    "automation:rule_create": ("GET", holders(Capability.MANAGE_AUTOMATION)),
    "automation:rule_detail": ("GET", holders(Capability.MANAGE_AUTOMATION)),
    "automation:rule_edit": ("GET", holders(Capability.MANAGE_AUTOMATION)),
    "automation:rule_move": ("POST", holders(Capability.MANAGE_AUTOMATION)),
    "automation:rule_active": ("POST", holders(Capability.MANAGE_AUTOMATION)),
    "automation:rule_delete": ("POST", holders(Capability.MANAGE_AUTOMATION)),
    "automation:ticket_log": ("GET", SEES_TICKET),
    "automation:macro_preview": ("GET", EDITS_TICKET),  # 400 without a macro chosen: the view ran
    "automation:macro_apply": ("POST", EDITS_TICKET),
    "automation:macro_list": ("GET", holders(Capability.EDIT_TICKETS)),
    "automation:macro_create": ("GET", holders(Capability.EDIT_TICKETS)),
    "automation:macro_edit": ("GET", holders(Capability.MANAGE_AUTOMATION)),  # a shared macro
    "automation:macro_delete": ("POST", holders(Capability.MANAGE_AUTOMATION)),
    "integrations:integration_list": ("GET", holders(Capability.MANAGE_INTEGRATIONS)),
    "integrations:webhook_create": ("GET", holders(Capability.MANAGE_INTEGRATIONS)),
    "integrations:webhook_detail": ("GET", holders(Capability.MANAGE_INTEGRATIONS)),
    "integrations:webhook_edit": ("GET", holders(Capability.MANAGE_INTEGRATIONS)),
    "integrations:webhook_rotate": ("POST", holders(Capability.MANAGE_INTEGRATIONS)),
    "integrations:webhook_ping": ("POST", holders(Capability.MANAGE_INTEGRATIONS)),
    "integrations:webhook_delete": ("POST", holders(Capability.MANAGE_INTEGRATIONS)),
    "integrations:channel_create": ("GET", holders(Capability.MANAGE_INTEGRATIONS)),
    "integrations:channel_detail": ("GET", holders(Capability.MANAGE_INTEGRATIONS)),
    "integrations:channel_edit": ("GET", holders(Capability.MANAGE_INTEGRATIONS)),
    "integrations:channel_test": ("POST", holders(Capability.MANAGE_INTEGRATIONS)),
    "integrations:channel_delete": ("POST", holders(Capability.MANAGE_INTEGRATIONS)),
    "integrations:delivery_resend": ("POST", holders(Capability.MANAGE_INTEGRATIONS)),
    "integrations:inbound_create": ("GET", holders(Capability.MANAGE_INTEGRATIONS)),
    "integrations:inbound_detail": ("GET", holders(Capability.MANAGE_INTEGRATIONS)),
    "integrations:inbound_edit": ("GET", holders(Capability.MANAGE_INTEGRATIONS)),
    "integrations:inbound_rotate": ("POST", holders(Capability.MANAGE_INTEGRATIONS)),
    "integrations:inbound_delete": ("POST", holders(Capability.MANAGE_INTEGRATIONS)),
    "integration_hooks:inbound_hook_receive": ("POST", EVERYONE),  # no role: its signature decides (integrations/tests)
    "routing:routing_settings": ("GET", holders(Capability.MANAGE_ROUTING)),
    "routing:routing_board": ("GET", holders(Capability.VIEW_REPORTS)),  # scoped to their teams
    "routing:team_routing_edit": ("GET", holders(Capability.MANAGE_ROUTING)),
    "routing:agent_routing_edit": ("GET", holders(Capability.MANAGE_ROUTING)),
    "routing:presence_control": ("POST", holders(Capability.BE_ASSIGNED)),
    "routing:ticket_requirement": ("POST", EDITS_TICKET),
    # analytics: leads see their teams' figures, agents only their own (cuts.scope; tested in analytics/tests)
    "analytics:dashboard": ("GET", holders(Capability.VIEW_REPORTS) | holders(Capability.VIEW_OWN_STATS)),
    "analytics:my_dashboard": ("GET", holders(Capability.VIEW_REPORTS) | holders(Capability.VIEW_OWN_STATS)),
    "analytics:overview": ("GET", holders(Capability.VIEW_REPORTS) & holders(Capability.SEE_ALL_TICKETS)),
    "analytics:drill": ("GET", holders(Capability.VIEW_REPORTS) | holders(Capability.VIEW_OWN_STATS)),
    "analytics:drill_exact": ("GET", holders(Capability.VIEW_REPORTS) | holders(Capability.VIEW_OWN_STATS)),
    "analytics:explain": ("GET", (holders(Capability.VIEW_REPORTS) | holders(Capability.VIEW_OWN_STATS)) & SEES_TICKET),
    "analytics:goal_list": ("GET", holders(Capability.MANAGE_REPORTS)),
    "analytics:goal_create": ("GET", holders(Capability.MANAGE_REPORTS)),
    "analytics:goal_edit": ("GET", holders(Capability.MANAGE_REPORTS)),
    "analytics:goal_delete": ("POST", holders(Capability.MANAGE_REPORTS)),
    "analytics:view_save": ("POST", holders(Capability.VIEW_REPORTS) | holders(Capability.VIEW_OWN_STATS)),
    "analytics:view_delete": ("POST", {"manager"}),  # the view belongs to the manager
    "analytics:share_list": ("GET", holders(Capability.MANAGE_REPORTS)),
    "analytics:share_create": ("POST", holders(Capability.MANAGE_REPORTS)),
    "analytics:share_revoke": ("POST", holders(Capability.MANAGE_REPORTS)),
    "analytics_shared:shared_dashboard": ("GET", set()),  # no role: a wrong token is a 404 (analytics/tests)
    "analytics_shared:shared_feedback_xlsx": ("GET", set()),  # likewise (quality/tests/test_feedback.py)
    # Figures: who sees reports, or their own statistics (cuts.scope narrows the cut); the inbox's tickets: staff.
    "analytics_exports:report_csv": ("GET", FIGURES),
    "analytics_exports:report_xlsx": ("GET", FIGURES),
    "analytics_exports:drill_csv": ("GET", FIGURES),
    "analytics_exports:drill_xlsx": ("GET", FIGURES),
    "analytics_exports:tickets_csv": ("GET", STAFF),
    "analytics_exports:tickets_xlsx": ("GET", STAFF),
    "analytics_reports:subscription_list": ("GET", holders(Capability.MANAGE_REPORTS)),
    "analytics_reports:subscription_edit": ("GET", holders(Capability.MANAGE_REPORTS)),
    "analytics_reports:subscription_stop": ("POST", holders(Capability.MANAGE_REPORTS)),
    "analytics_reports:report_preview": ("GET", holders(Capability.MANAGE_REPORTS)),  # 400 without a report chosen
    "analytics_reports:report_preview_email": ("GET", holders(Capability.MANAGE_REPORTS)),
    "analytics_reports:unsubscribe": ("GET", EVERYONE),  # no role: the signed token decides (analytics/tests)
}


def users_by_role(world: Any) -> dict[str, Any]:
    return {
        "customer": world.customer_user,
        "light": world.light_agent,
        "agent": world.agent,
        "other": world.other_agent,
        "lead": world.lead,
        "manager": world.manager,
        "admin": world.admin,
    }


def all_route_names() -> list[str]:
    names: list[str] = []

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in ("djdt",):
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


# The API's documentation routes; every other api: route is an operation, covered by API_MATRIX below.
API_DOCS = ("api:openapi-json", "api:openapi-view", "api:api-root")


def test_the_matrix_covers_every_route() -> None:
    routes = {name for name in all_route_names() if not name.startswith("api:") or name in API_DOCS}
    assert routes - set(MATRIX) == set(), "routes without access rules"
    assert set(MATRIX) - routes == set(), "rules for routes that no longer exist"


def _kwargs(name: str, fixtures: dict[str, Any]) -> dict[str, Any]:
    pattern = next(p for p in _patterns() if p[0] == name)[1]
    return {key: fixtures[key] for key in pattern.pattern.converters}


def _patterns() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.append((f"{namespace}:{pattern.name}" if namespace else pattern.name, pattern))

    walk(get_resolver().url_patterns, None)
    return found


_FRESH = itertools.count()


class _Fixtures(dict[str, Any]):
    """An attempt's fixture values, each group of objects made the first time one of its keys is read: a route
    reads a few, and making every group for every route and role was most of this file's time."""

    def __init__(self, groups: list[tuple[tuple[str, ...], Any]]) -> None:
        super().__init__()
        self.groups = groups

    def __missing__(self, key: str) -> Any:
        for keys, build in self.groups:
            if key in keys:
                self.update(build())
                return dict.__getitem__(self, key)
        raise KeyError(key)


def _ticket_fixtures(world: Any) -> dict[str, Any]:
    attachment = SimpleUploadedFile("a.txt", b"hello", content_type="text/plain")
    ticket = world.ticket(attachments=[attachment])
    message = ticket.messages.get()
    mail = OutgoingMail.objects.get(ticket_id=ticket.pk, kind="tickets.ticket_received")  # never sent in a test
    OutgoingMail.objects.filter(pk=mail.pk).update(state="failed", next_attempt_at=None, last_error="550 No")
    ticket_actions.add_customer_reply(ticket, body="More detail.", customer=world.customer, actor=None)
    return {
        "ticket_id": ticket.pk,
        "message_id": message.pk,
        "split_message_id": ticket.messages.order_by("-pk").first().pk,
        "attachment_id": message.attachments.get().pk,
        "mail_id": mail.pk,
    }


def _customer_fixtures(world: Any, n: int) -> dict[str, Any]:
    from opsdesk.customers import actions as customer_actions

    customer = customer_actions.create_customer(name="Fresh", emails=[f"fresh{n}@example.org"], actor=world.admin)
    target = customer_actions.create_customer(name="Target", emails=[f"target{n}@example.org"], actor=world.admin)
    return {"customer_id": customer.pk, "target_customer_id": target.pk}


def _fresh_fixtures(world: Any) -> dict[str, Any]:
    """New objects for each attempt, so one role's successful write cannot change what the next role meets."""
    n = next(_FRESH)
    fixtures = _Fixtures(
        [
            (
                ("ticket_id", "message_id", "split_message_id", "attachment_id", "mail_id"),
                lambda: _ticket_fixtures(world),
            ),
            (("other_ticket_id",), lambda: {"other_ticket_id": world.ticket(subject="Another").pk}),
            (
                ("token_id",),
                lambda: {
                    "token_id": account_actions.issue_api_token(
                        world.admin, name="ci", scope="read", actor=world.admin
                    )[0].pk
                },
            ),
            (
                ("view_id",),
                lambda: {
                    "view_id": SavedView.objects.create(name="Mine", owner=world.agent, filters={"priority": "high"}).pk
                },
            ),
            (("customer_id", "target_customer_id"), lambda: _customer_fixtures(world, n)),
            (("status_id",), lambda: {"status_id": TicketStatus.objects.get(name="Open").pk}),
            (
                ("field_id",),
                lambda: {"field_id": CustomField.objects.get_or_create(key="order", defaults={"label": "Order"})[0].pk},
            ),
            (("response_id",), lambda: {"response_id": CannedResponse.objects.create(title="Hi", body="Hello").pk}),
            (("chat_id", "widget_id", "key"), lambda: _chat_fixtures(world, n)),
            (("inbound_id",), lambda: {"inbound_id": _quarantined_email(n).pk}),
            (("form_id", "form_key"), lambda: {"form_id": (w := _webform(world)).pk, "form_key": w.key}),
            (("provider_id", "slug"), lambda: {"provider_id": (pr := _provider(world, n)).pk, "slug": pr.slug}),
            (
                ("mailbox_id",),
                lambda: {"mailbox_id": Mailbox.objects.create(name="Fresh", address=f"box{n}@opsdesk.example").pk},
            ),
            (
                ("calendar_id", "holiday_id", "exception_id", "policy_id", "escalation_id"),
                lambda: _calendar_fixtures(world, n),
            ),
            (("kind", "rule_id", "macro_id"), lambda: _automation_fixtures(world, n)),
            (("kpi", "goal_id", "share_id", "dashboard_view_id"), lambda: _analytics_fixtures(world)),
            (("subscription_id",), lambda: {"subscription_id": _subscription(world, n).pk}),
            (("survey_id",), lambda: {"survey_id": _survey(world, n).pk}),
            (
                ("scorecard_id", "review_id", "dispute_id", "cycle_id", "session_id", "agent_id", "task_id"),
                lambda: _qa_fixtures(world, n),
            ),
            (
                ("webhook_id", "channel_id", "delivery_id", "hook_id", "hook_key"),
                lambda: _integration_fixtures(world, n),
            ),
            (("queue_id", "forecast_id", "plan_id", "forecast_day", "planning_team_id"), lambda: _workforce(world, n)),
            (
                ("shift_id", "request_id", "free_day", "rotation_id", "rotation_team_id", "template_id"),
                lambda: _schedules(world, n),
            ),
            (("budget_id", "cost_centre_id"), lambda: _budget(world, n)),
        ]
    )
    fixtures.update(
        {
            "organization_id": world.organization.pk,
            "team_id": world.support.pk,
            "user_id": world.agent.pk,
            "token": "not-a-token",
            "kpi": "frt",
            "manager_id": world.manager.pk,
            "metric": "csat",
        }
    )
    return fixtures


def _analytics_fixtures(world: Any) -> dict[str, Any]:
    from datetime import date

    from opsdesk.analytics.actions.goals import save_goal
    from opsdesk.analytics.actions.sharing import save_view, share_dashboard

    goal = save_goal(
        None, kpi="frt", team=None, start=date(2027, 1, 1), end=date(2027, 3, 31), target=3600, actor=world.admin
    )
    view = save_view(name="Mine", params={"period": "7d"}, actor=world.manager)
    share, _raw = share_dashboard(label="Product", days=7, params={}, actor=world.manager)
    return {"kpi": "frt", "goal_id": goal.pk, "dashboard_view_id": view.pk, "share_id": share.pk}


def _integration_fixtures(world: Any, n: int) -> dict[str, Any]:
    """A webhook with a failed delivery, a Slack channel and an inbound hook (public addresses: nothing is sent in
    this test, the deliveries' jobs run only on commit)."""
    from opsdesk.integrations import actions as integration_actions
    from opsdesk.integrations.models import Delivery

    webhook = integration_actions.save_webhook(
        None,
        name=f"Hook {n}",
        url="https://receiver.example/in",
        events=["*"],
        team=None,
        active=True,
        actor=world.admin,
    )
    channel = integration_actions.save_channel(
        None,
        kind="slack",
        name=f"Ops {n}",
        url="https://hooks.slack.com/services/T000/B000/abcdefgh",
        team=None,
        active=True,
        actor=world.admin,
    )
    delivery = integration_actions.send_to_webhook(webhook, event="x", data={}, key=f"perm:{n}")
    Delivery.objects.filter(pk=delivery.pk).update(state="failed", next_attempt_at=None)
    hook = integration_actions.save_inbound_hook(
        None, name="Shop", slug=f"shop-{n}", team=None, priority="normal", tags=[], active=True, actor=world.admin
    )
    return {
        "webhook_id": webhook.pk,
        "channel_id": channel.pk,
        "delivery_id": delivery.pk,
        "hook_id": hook.pk,
        "hook_key": hook.slug,
    }


def _automation_fixtures(world: Any, n: int) -> dict[str, Any]:
    """A trigger rule and a shared macro of their own."""
    from opsdesk.automation import actions as automation_actions
    from opsdesk.automation.actions.rules import RuleInput

    steps = [{"type": "add_tags", "tags": ["checked"]}]
    data = RuleInput(name=f"Rule {n}", kind="trigger", events=["ticket_created"], actions=steps)
    rule = automation_actions.save_rule(None, data=data, actor=world.admin)
    macro = automation_actions.save_macro(None, name=f"Macro {n}", actions=steps, shared=True, actor=world.admin)
    return {"kind": "trigger", "rule_id": rule.pk, "macro_id": macro.pk}


def _calendar_fixtures(world: Any, n: int) -> dict[str, Any]:
    """A calendar with a holiday and a date exception of its own."""
    from datetime import date

    from opsdesk.sla import actions as sla_actions
    from opsdesk.sla.actions import policies as policy_actions

    week = [[(480, 1020)]] * 5 + [[], []]
    calendar = sla_actions.save_calendar(None, name=f"Office {n}", time_zone="UTC", weekly=week, actor=world.admin)
    holiday = sla_actions.add_holiday(calendar, day=date(2027, 1, 6), name="Epiphany", actor=world.admin)
    exception = sla_actions.save_exception(calendar, day=date(2027, 1, 9), windows=[(600, 720)], actor=world.admin)
    policy = policy_actions.save_policy(
        None,
        name=f"Policy {n}",
        conditions={"match": "all", "conditions": [{"field": "priority", "op": "in", "value": ["urgent"]}]},
        calendar=calendar,
        pause_categories=["pending"],
        targets=[policy_actions.TargetInput("urgent", "first_reply", 3600)],
        actor=world.admin,
    )
    escalation = policy_actions.save_escalation(
        policy,
        None,
        level=1,
        trigger="breached",
        metric="",
        delay=0,
        notify=["managers"],
        by_email=False,
        raise_priority=False,
        move_to_team=None,
        add_tag="",
        actor=world.admin,
    )
    return {
        "calendar_id": calendar.pk,
        "holiday_id": holiday.pk,
        "exception_id": exception.pk,
        "policy_id": policy.pk,
        "escalation_id": escalation.pk,
    }


def _subscription(world: Any, n: int) -> Any:
    from opsdesk.analytics.actions import reports

    return reports.subscribe(
        frequency="weekly", email=f"board{n}@partner.example", language="fi", team=None, actor=world.admin
    )


def _survey(world: Any, n: int) -> Any:
    from opsdesk.quality import actions as quality_actions

    return quality_actions.save_survey(
        None, name=f"CSAT {n}", kind="csat", question="How did we do?", actor=world.admin
    )


def _qa_fixtures(world: Any, n: int) -> dict[str, Any]:
    """A scorecard, a review of the agent's work shared with them, and another review's open dispute."""
    from opsdesk.quality.actions import reviews

    card = reviews.save_scorecard(None, name=f"Card {n}", source="Tone\n- Polite [binary]", actor=world.admin)
    review = reviews.submit_review(
        world.ticket(), scorecard=card, reviewee=world.agent, ratings={"polite": 2}, actor=world.admin, share=True
    )
    disputed = reviews.submit_review(
        world.ticket(), scorecard=card, reviewee=world.agent, ratings={"polite": 1}, actor=world.admin, share=True
    )
    dispute = reviews.open_dispute(disputed, actor=world.agent, comment="Fair?")
    from datetime import date

    from opsdesk.quality.actions import calibration
    from opsdesk.quality.models import SampleCycle

    cycle = SampleCycle.objects.create(scorecard=card, starts=date(2026, 1, 5), ends=date(2026, 1, 12), seed=7, quota=4)
    session = calibration.start_session(
        card, name=f"Calibration {n}", tickets=[review.ticket_id], participants=[world.manager], actor=world.admin
    )
    from opsdesk.quality.actions import coaching

    task = coaching.complete_task(  # done, so that a lead may ask for it again
        coaching.create_task(world.agent, scorecard=card, item_key="polite", actor=world.admin), actor=world.admin
    )
    return {
        "agent_id": world.agent.pk,
        "task_id": task.pk,
        "scorecard_id": card.pk,
        "review_id": review.pk,
        "dispute_id": dispute.pk,
        "cycle_id": cycle.pk,
        "session_id": session.pk,
        "ticket_id": review.ticket_id,
    }


def _workforce(world: Any, n: int) -> dict[str, Any]:
    """A planning queue of a fresh team with a day of history, a ready forecast and another one with a plan."""
    from datetime import timedelta

    import time_machine

    from opsdesk.workforce.actions import forecasts, plans

    team = people_actions.save_team(None, name=f"Planned {n}", languages=["en"], actor=world.admin)
    with time_machine.travel(timezone.now() - timedelta(days=2), tick=False):
        world.ticket(team=team)
    queue = forecasts.create_queue(
        name=f"Queue {n}", team=team, channel_group="tickets", calendar=None, interval_minutes=60, actor=world.admin
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    ready = []
    for _ in range(2):
        forecast = forecasts.request_forecast(queue, first_day=tomorrow, days=3, history_weeks=1, actor=world.admin)
        forecasts.compute(forecast.pk)
        forecast.refresh_from_db()
        ready.append(forecast)
    plan = plans.create(
        ready[1],
        name="Plan",
        method="erlang_c",
        aht_seconds=300,
        service_level=Decimal(80),
        target_seconds=20,
        shrinkage=Decimal(30),
        actor=world.admin,
    )
    fresh = people_actions.save_team(None, name=f"Unplanned {n}", languages=["en"], actor=world.admin)
    return {
        "queue_id": queue.pk,
        "forecast_id": ready[0].pk,
        "plan_id": plan.pk,
        "forecast_day": tomorrow.isoformat(),
        "planning_team_id": fresh.pk,
    }


def _schedules(world: Any, n: int) -> dict[str, Any]:
    """A template, a shift of the agent's, the agent's pending time off, and a rotation with a fresh team of one."""
    from datetime import date, datetime, timedelta

    from opsdesk.workforce.actions import schedules

    template = schedules.save_template(
        None, name=f"Shift {n}", start_minute=480, minutes=240, activities=[], actor=world.admin
    )
    day = date(2027, 1, 4) + timedelta(days=3 * n)
    shift = schedules.place_shift(world.agent, day=day, template=template, actor=world.admin)
    request = schedules.request_time_off(
        world.agent,
        start=datetime.combine(day, datetime.min.time()),
        end=datetime.combine(day + timedelta(days=1), datetime.min.time()),
        reason="",
        actor=world.agent,
    )
    rotation = schedules.save_rotation(name=f"Rotation {n}", weeks=[[template.pk] + [None] * 6], actor=world.admin)
    team = people_actions.save_team(None, name=f"Rota {n}", languages=["en"], actor=world.admin)
    member = account_actions.create_user(
        email=f"rota{n}@example.com", name=f"Rota {n}", role=Role.AGENT, password="x-long-pass-1", actor=world.admin
    )
    people_actions.set_membership(team, user=member, member=True, actor=world.admin)
    return {
        "shift_id": shift.pk,
        "request_id": request.pk,
        "free_day": (day + timedelta(days=1)).isoformat(),
        "rotation_id": rotation.pk,
        "rotation_team_id": team.pk,
        "template_id": template.pk,
    }


def _budget(world: Any, n: int) -> dict[str, Any]:
    """A draft budget version made from the workforce fixture's staffing plan."""
    from opsdesk.workforce.actions import budgets
    from opsdesk.workforce.models import StaffingPlan

    plan = StaffingPlan.objects.get(pk=_workforce(world, n)["plan_id"])
    centre = budgets.create_cost_centre(name=f"Centre {n}", code="", actor=world.admin)
    budget = budgets.create_budget(
        cost_centre=centre,
        year=2027,
        name="Budget",
        plan=plan,
        salary=Decimal(40000),
        loading=Decimal(25),
        seat_cost=Decimal(3000),
        paid_hours=Decimal(1960),
        attrition=Decimal(1),
        ramp_weeks=4,
        starting_fte=Decimal(1),
        actor=world.admin,
    )
    return {"budget_id": budget.pk, "cost_centre_id": centre.pk}


def _webform(world: Any) -> Any:
    from opsdesk.messaging import actions as messaging_actions

    return messaging_actions.save_webform(
        None, name="Form", title="Contact us", success_message="Thanks", actor=world.admin
    )


def _provider(world: Any, n: int) -> Any:
    from opsdesk.messaging import actions as messaging_actions

    provider, _secret = messaging_actions.create_provider(name="PBX", slug=f"pbx-{n}", team=None, actor=world.admin)
    return provider


def _chat_fixtures(world: Any, n: int) -> dict[str, Any]:
    """A widget of the support team and a waiting chat on it (an agent of the team is online)."""
    from opsdesk.messaging.actions import chat as chat_actions
    from opsdesk.messaging.models import ChatAgent

    widget = chat_actions.save_chat_widget(
        None,
        name=f"Shop {n}",
        team=world.support,
        allowed_origins=["https://shop.example"],
        greeting="Hi",
        offline_message="Away",
        actor=world.admin,
    )
    ChatAgent.objects.update_or_create(user=world.agent, defaults={"seen_at": timezone.now()})
    started = chat_actions.start_chat(widget, name="Vera", email=f"vera{n}@v.example", language="en", message="Hi")
    assert started.session is not None
    return {"chat_id": started.session.pk, "widget_id": widget.pk, "key": widget.key}


def _quarantined_email(n: int) -> Any:
    """A message that could not be processed (no sender): what the inbound mail page's decisions are for."""
    from opsdesk.messaging import actions as messaging_actions

    row, _created = messaging_actions.receive_email(f"Subject: lost {n}\r\n\r\nNo sender.\r\n".encode(), via="api")
    return messaging_actions.process_email(row)


# A real form body for every POST route, so an allowed role's write goes through the form and the action (and
# must succeed), and a refused one is refused by the access rules, not by an empty form.
BODIES: dict[str, Any] = {
    "accounts:sign_out": lambda f: {},
    "accounts:user_two_factor_reset": lambda f: {},
    "accounts:token_revoke": lambda f: {},
    "tickets:ticket_bulk": lambda f: {"ticket": [f["ticket_id"]], "tags": "checked"},
    "tickets:saved_view_create": lambda f: {"name": "Urgent ones", "priority": "urgent"},
    "tickets:saved_view_delete": lambda f: {},
    "tickets:ticket_reply": lambda f: {"body": "On it."},
    "tickets:ticket_note": lambda f: {"body": "Checked the logs."},
    "tickets:ticket_update": lambda f: {
        "status": f["status_id"],
        "assignee": "",
        "team": f["team_id"],
        "priority": "high",
        "type": "incident",
        "tags": "vip",
    },
    "tickets:ticket_set_status": lambda f: {"status": f["status_id"]},
    "tickets:ticket_assign": lambda f: {"assignee": f["user_id"]},
    "tickets:ticket_set_team": lambda f: {"team": f["team_id"]},
    "tickets:ticket_set_priority": lambda f: {"priority": "high"},
    "tickets:ticket_set_type": lambda f: {"type": "incident"},
    "tickets:ticket_set_tags": lambda f: {"tags": "vip, billing"},
    "tickets:ticket_set_fields": lambda f: {"cf_order": "A-17"},
    "tickets:ticket_follow": lambda f: {"following": "1"},
    "tickets:ticket_merge": lambda f: {"target": f["other_ticket_id"]},
    "tickets:ticket_link": lambda f: {"other": f["other_ticket_id"]},
    "tickets:ticket_split": lambda f: {},
    "portal:ticket_reply": lambda f: {"body": "Thank you."},
    "portal:ticket_solve": lambda f: {},
    "customers:customer_note": lambda f: {"body": "Called them back."},
    "customers:customer_merge": lambda f: {"target": f["target_customer_id"]},
    "customers:customer_invite": lambda f: {},
    "people:team_member_set": lambda f: {"user": f["user_id"], "access": "full", "member": "on"},
    "ticket_settings:canned_response_delete": lambda f: {},
    "messaging:mail_resend": lambda f: {"next": "/tickets/"},
    "chat:chat_accept": lambda f: {},
    "inbound_mail:inbound_retry": lambda f: {},
    "inbound_mail:inbound_discard": lambda f: {},
    "channel_settings:telephony_rotate": lambda f: {},
    "channel_settings:telephony_toggle": lambda f: {"active": "0"},
    "mailboxes:mailbox_set_active": lambda f: {"active": "0"},
    "sla:calendar_set_default": lambda f: {},
    "sla:holiday_add": lambda f: {"day": "2027-12-06", "name": "Independence Day"},
    "sla:holiday_import": lambda f: {
        "file": SimpleUploadedFile(
            "h.ics",
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:1\r\n"
            b"DTSTART;VALUE=DATE:20270501\r\nSUMMARY:May Day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        )
    },
    "sla:holiday_generate": lambda f: {"country": "FI", "year": "2027"},
    "sla:holiday_feed": lambda f: {"url": ""},
    "sla:holiday_delete": lambda f: {},
    "sla:exception_save": lambda f: {"day": "2027-12-24", "windows": "08:00-12:00"},
    "sla:exception_delete": lambda f: {},
    "sla:policy_delete": lambda f: {},
    "sla:policy_move": lambda f: {"direction": "up"},
    "sla:escalation_create": lambda f: {
        "level": "2",
        "trigger": "warned",
        "metric": "first_reply",
        "delay": "1h",
        "notify": ["assignee"],
        "by_email": "on",
    },
    "sla:escalation_delete": lambda f: {},
    "automation:rule_move": lambda f: {"direction": "up"},
    "automation:rule_active": lambda f: {"active": "off"},
    "automation:rule_delete": lambda f: {},
    "automation:macro_apply": lambda f: {"macro": f["macro_id"]},
    "automation:macro_delete": lambda f: {},
    "integrations:webhook_rotate": lambda f: {},
    "integrations:webhook_ping": lambda f: {},
    "integrations:webhook_delete": lambda f: {},
    "integrations:channel_test": lambda f: {},
    "integrations:channel_delete": lambda f: {},
    "integrations:delivery_resend": lambda f: {},
    "integrations:inbound_rotate": lambda f: {},
    "integrations:inbound_delete": lambda f: {},
    "routing:presence_control": lambda f: {"presence": "online"},
    "routing:ticket_requirement": lambda f: {"language": "fi"},
    "analytics:goal_delete": lambda f: {},
    "analytics:view_save": lambda f: {"name": "Mine", "period": "7d"},
    "analytics:view_delete": lambda f: {},
    "analytics:share_create": lambda f: {"label": "Product", "days": "7", "period": "30d"},
    "analytics:share_revoke": lambda f: {},
    "analytics_reports:subscription_stop": lambda f: {},
    "qa:review_share": lambda f: {},
    "qa:coaching_create": lambda f: {"scorecard": f["scorecard_id"], "item_key": "polite", "note": "Let's talk."},
    "qa:coaching_done": lambda f: {},
    "workforce:shift_place": lambda f: {"agent": f["user_id"], "template": f["template_id"], "day": f["free_day"]},
    "workforce:shift_move": lambda f: {"day": f["free_day"]},
    "workforce:shift_remove": lambda f: {},
    "workforce:schedule_publish": lambda f: {"team": f["team_id"], "week": "2027-01-04"},
    "workforce:rotation_apply": lambda f: {
        "team": f["rotation_team_id"],
        "rotation": f["rotation_id"],
        "first_monday": "2027-03-01",
        "weeks": "1",
    },
    "workforce:time_off_decide": lambda f: {"decision": "approve"},
    "workforce:actuals_import": lambda f: {
        "actuals-cost_centre": f["cost_centre_id"],
        "actuals-file": SimpleUploadedFile("a.csv", b"month,category,amount\n2027-01,labour,1000\n", "text/csv"),
    },
    "workforce:budget_line_add": lambda f: {"category": "tools", "name": "Licences", "basis": "fte", "rate": "50"},
    "workforce:budget_advance": lambda f: {},
    "workforce:my_state": lambda f: {"state": "lunch"},
    "workforce:actual_save": lambda f: {
        "actual-cost_centre": f["cost_centre_id"],
        "actual-month": "2027-02",
        "actual-category": "tools",
        "actual-amount": "1250",
    },
    "workforce:queue_create": lambda f: {
        "name": f"Queue of {f['planning_team_id']}",
        "team": f["planning_team_id"],
        "channel_group": "chat",
        "interval_minutes": "30",
    },
    "workforce:forecast_create": lambda f: {"first_day": f["forecast_day"], "days": "7", "history_weeks": "4"},
    "workforce:forecast_adjust": lambda f: {
        "first_day": f["forecast_day"],
        "last_day": f["forecast_day"],
        "percent": "20",
        "reason": "Campaign",
    },
    "workforce:plan_create": lambda f: {
        "name": "Plan",
        "method": "erlang_c",
        "aht_seconds": "300",
        "service_level": "80",
        "target_seconds": "20",
        "shrinkage": "30",
        "concurrency": "1",
    },
    "analytics:feedback_share": lambda f: {"label": "Product", "valid_days": "7", "days": "30", "comments": "on"},
    "qa:calibration_reveal": lambda f: {},
    "qa:sample_draw": lambda f: {
        "scorecard": f["scorecard_id"],
        "starts": "2026-11-02",
        "quota": "2",
        "reviewers": [f["manager_id"]],
    },
    "qa:review_acknowledge": lambda f: {},
    "qa:review_dispute": lambda f: {"comment": "Please look again."},
    "qa:dispute_resolve": lambda f: {"state": "rejected", "resolution": "It stays."},
}
# POST routes whose success needs more than a body: an enrolled authenticator (tests in accounts cover them).
# Live chat: answering, typing and ending need the user's own taken chat, and the widget's endpoints a visitor's
# JSON and token (messaging/tests cover them); here they show who is let through at all.
WITHOUT_BODY = {
    "accounts:two_factor_disable",
    "hooks:telephony_calls",
    "integration_hooks:inbound_hook_receive",
    "chat:chat_send",
    "chat:chat_typing",
    "chat:chat_end",
    "chat_widget:chat_start",
    "chat_widget:chat_send",
    "chat_widget:chat_typing",
    "chat_widget:chat_end",
    "chat_widget:chat_transcript",
    "mailboxes:mailbox_test",  # or a reachable IMAP server (the messaging tests run one)
    "survey_opt_out",  # a signed link of a sent survey (quality/tests cover it)
    "tickets:ticket_presence",  # answers 204; messaging/tests/test_presence.py covers its input
}
# Allowed, but the action then refuses part of the work on purpose (bulk skips tickets the user may not change).
PARTLY_REFUSED = {("tickets:ticket_bulk", "other")}


def test_every_post_route_has_a_real_body() -> None:
    posts = {name for name, (method, _roles) in MATRIX.items() if method == "POST"}
    assert posts - set(BODIES) - WITHOUT_BODY == set()


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_route_access_by_role(name: str, world: Any) -> None:
    method, allowed = MATRIX[name]
    users = users_by_role(world)
    outcomes = {}
    for role in ROLES:
        fixtures = _fresh_fixtures(world)
        kwargs = _kwargs(name, fixtures)
        if name == "tickets:ticket_split":
            kwargs["message_id"] = fixtures["split_message_id"]
        url = reverse(name, kwargs=kwargs)
        client = Client()
        if role != "anon":
            client.force_login(users[role])
        body = BODIES.get(name, lambda f: {})(fixtures)
        response = client.post(url, body) if method == "POST" else client.get(url)
        location = response.get("Location", "")
        denied = response.status_code in (403, 404) or (
            response.status_code == 302
            and reverse("accounts:sign_in") in location
            and name not in ("accounts:sign_out", "accounts:link_request")
        )
        assert response.status_code != 500
        assert response.status_code != 405, f"{name} does not accept {method}"
        if method == "GET" and response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            # an empty choice says what it means ("No team", "Not set"), never Django's dashes
            assert "---------" not in response.content.decode(), f"{name} as {role} offers a '---------' choice"
        if method == "POST" and name in BODIES and not denied and (name, role) not in PARTLY_REFUSED:
            assert response.status_code in (200, 302), f"{name} as {role}: the write failed ({response.status_code})"
            errors = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
            assert errors == [], f"{name} as {role}: {errors}"
        outcomes[role] = not denied
    assert {r for r, ok in outcomes.items() if ok} == allowed


def test_customers_see_only_their_own_and_shared_organization_tickets(world: Any, client: Client) -> None:
    own = world.ticket()
    other = world.ticket(requester=world.other_customer)
    client.force_login(world.customer_user)
    assert client.get(reverse("portal:ticket_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("portal:ticket_detail", args=[other.pk])).status_code == 404
    colleague = ticket_actions.create_ticket(subject="Colleague", body="x", requester=_colleague(world), actor=None)
    assert client.get(reverse("portal:ticket_detail", args=[colleague.pk])).status_code == 404
    world.organization.shared_tickets = True
    world.organization.save(update_fields=["shared_tickets"])
    assert client.get(reverse("portal:ticket_detail", args=[colleague.pk])).status_code == 200


def _colleague(world: Any) -> Any:
    from opsdesk.customers import actions as customer_actions

    return customer_actions.create_customer(name="Colleague", emails=["col@acme.example"], actor=world.admin)


def test_customers_never_see_internal_notes_or_their_files(world: Any, client: Client) -> None:
    ticket = world.ticket()
    note = ticket_actions.add_note(
        ticket,
        body="secret margin",
        actor=world.agent,
        attachments=[SimpleUploadedFile("n.txt", b"internal", content_type="text/plain")],
    )
    client.force_login(world.customer_user)
    page = client.get(reverse("portal:ticket_detail", args=[ticket.pk])).content.decode()
    assert "secret margin" not in page
    assert client.get(reverse("portal:attachment_download", args=[note.attachments.get().pk])).status_code == 403


REPORT_READERS = holders(Capability.VIEW_REPORTS) | holders(Capability.VIEW_OWN_STATS)

# API operations ("METHOD path" from the OpenAPI document) -> roles allowed; tried with a write-scope token.
API_MATRIX: dict[str, set[str]] = {
    "GET /api/v1/tickets/": STAFF | CUSTOMER,  # as in the portal
    "GET /api/v1/tickets/search": STAFF | CUSTOMER,  # as in the portal
    "POST /api/v1/tickets/": EDITORS | CUSTOMER,  # as in the portal
    "GET /api/v1/tickets/{ticket_id}": SEES_TICKET | CUSTOMER,  # as in the portal
    "POST /api/v1/tickets/{ticket_id}/reply": EDITS_TICKET | CUSTOMER,  # as in the portal
    "POST /api/v1/tickets/{ticket_id}/note": SEES_TICKET,
    "POST /api/v1/tickets/{ticket_id}/status": EDITS_TICKET,
    "GET /api/v1/tickets/{ticket_id}/messages": SEES_TICKET | CUSTOMER,  # as in the portal
    "POST /api/v1/tickets/{ticket_id}/messages": EDITS_TICKET | CUSTOMER,  # as in the portal
    "GET /api/v1/attachments/{attachment_id}": SEES_TICKET,
    "GET /api/v1/attachments/{attachment_id}/download": SEES_TICKET,
    "GET /api/v1/tickets/{ticket_id}/events": SEES_TICKET,
    "GET /api/v1/tickets/{ticket_id}/sla": SEES_TICKET,
    "GET /api/v1/customers/": STAFF,
    "POST /api/v1/customers/": EDITORS,
    "GET /api/v1/customers/{customer_id}": STAFF,
    "GET /api/v1/organizations/": STAFF,
    "GET /api/v1/organizations/{organization_id}": STAFF,
    "POST /api/v1/tickets/{ticket_id}/merge": EDITS_TICKET,
    "PATCH /api/v1/tickets/{ticket_id}": EDITS_TICKET,
    "POST /api/v1/tickets/{ticket_id}/links": EDITS_TICKET,
    "GET /api/v1/teams/": STAFF,
    "GET /api/v1/users/": STAFF,
    "GET /api/v1/tags/": STAFF,
    "GET /api/v1/custom-fields/": STAFF,
    "GET /api/v1/statuses/": STAFF,
    "GET /api/v1/saved-views/": STAFF,
    "POST /api/v1/inbound-email": holders(Capability.MANAGE_CHANNELS),
    "GET /api/v1/me/presence": holders(Capability.BE_ASSIGNED),
    "PUT /api/v1/me/presence": holders(Capability.BE_ASSIGNED),
    # Reports: report viewers and agents (their own figures; cuts.scope narrows), raw rollups to who sees all
    "GET /api/v1/reports/kpis": REPORT_READERS,
    "GET /api/v1/reports/figures": REPORT_READERS,
    "GET /api/v1/reports/daily": REPORT_READERS,
    "GET /api/v1/reports/drill/{kpi}": REPORT_READERS,
    "GET /api/v1/reports/rollups": REPORT_READERS & holders(Capability.SEE_ALL_TICKETS),
}


def api_operations() -> set[str]:
    from opsdesk.api import api

    paths = api.get_openapi_schema()["paths"]
    return {f"{method.upper()} {path}" for path, methods in paths.items() for method in methods}


def test_the_api_matrix_covers_every_operation(db: None) -> None:
    assert api_operations() == set(API_MATRIX)


@pytest.mark.parametrize("operation", sorted(API_MATRIX))
def test_api_operation_access_by_role(operation: str, world: Any) -> None:
    method, path = operation.split(" ", 1)
    users = users_by_role(world)
    pending = TicketStatus.objects.get(name="Pending")
    bodies: dict[str, dict[str, Any]] = {
        # the world's customer, so that the customer's own create is allowed too (as themselves)
        "/api/v1/tickets/": {"subject": "Via API", "body": "Hello", "requester_email": "carl@acme.example"},
        "/api/v1/tickets/{ticket_id}/reply": {"body": "Reply"},
        "/api/v1/tickets/{ticket_id}/note": {"body": "Note"},
        "/api/v1/tickets/{ticket_id}/status": {"status_id": pending.pk},
        "/api/v1/customers/": {"name": "API person"},
    }
    outcomes = {}
    for role in ROLES:
        ticket = world.ticket()
        attachment = ticket_actions.add_note(
            ticket, body="File", actor=world.admin, attachments=[SimpleUploadedFile("a.txt", b"hi", "text/plain")]
        ).attachments.get()
        url = (
            path.replace("{ticket_id}", str(ticket.pk))
            .replace("{attachment_id}", str(attachment.pk))
            .replace("{customer_id}", str(world.customer.pk))
            .replace("{organization_id}", str(world.organization.pk))
            .replace("{kpi}", "frt")
        )
        headers = {}
        if role != "anon":
            _token, raw = account_actions.issue_api_token(users[role], name="t", scope="write", actor=users[role])
            headers["Authorization"] = f"Bearer {raw}"
        client = Client()
        if path.endswith("/merge"):
            bodies[path] = {"target_id": world.ticket().pk}
        elif path.endswith("/links"):
            bodies[path] = {"other_id": world.ticket().pk}
        if method == "PATCH":
            response = client.patch(url, {"priority": "high"}, content_type="application/json", headers=headers)
        elif method == "PUT":
            response = client.put(url, {"presence": "online"}, content_type="application/json", headers=headers)
        elif path == "/api/v1/inbound-email":  # a raw message, a new one each time
            mime = f"From: c@example.org\r\nSubject: {role}\r\n\r\nHello\r\n".encode()
            response = client.generic("POST", url, mime, content_type="message/rfc822", headers=headers)
        elif method == "POST" and path.endswith("/messages"):  # multipart, with a file
            files = {"body": "Reply", "files": SimpleUploadedFile("b.txt", b"hello", "text/plain")}
            response = client.post(url, files, headers=headers)
        elif method == "POST":
            response = client.post(url, bodies[path], content_type="application/json", headers=headers)
        else:
            response = client.get(url, {"q": "hello"} if path.endswith("/search") else {}, headers=headers)
        assert response.status_code != 500
        if not path.endswith("/download") or response.status_code != 200:
            assert response["Content-Type"] == "application/json; charset=utf-8"
        outcomes[role] = response.status_code not in (401, 403, 404)
        if not outcomes[role]:
            assert set(response.json()) == {"code", "message", "field"}
    assert {r for r, ok in outcomes.items() if ok} == API_MATRIX[operation]
