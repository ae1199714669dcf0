"""The audit log in words: each verb the code records and each kind of object, as an administrator reads them.
A test holds VERBS to every verb the code can write (`unknown_verbs`)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

VERBS: dict[str, Any] = {
    "api_token.issued": _("API token issued"),
    "api_token.revoked": _("API token revoked"),
    "automation_rule.activated": _("Automation rule switched on"),
    "automation_rule.changed": _("Automation rule changed"),
    "automation_rule.created": _("Automation rule created"),
    "automation_rule.deactivated": _("Automation rule switched off"),
    "automation_rule.deleted": _("Automation rule deleted"),
    "automation_rule.moved": _("Automation rule reordered"),
    "budget.actual_saved": _("Budget actual entered"),
    "budget.actuals_imported": _("Budget actuals imported"),
    "budget.approved": _("Budget approved"),
    "budget.created": _("Budget version made"),
    "budget.frozen": _("Budget frozen"),
    "budget.line_added": _("Budget line added"),
    "calendar.created": _("Business calendar created"),
    "calendar.default_set": _("Default calendar set"),
    "calendar.exception_deleted": _("Hours of a date deleted"),
    "calendar.exception_saved": _("Hours of a date set"),
    "calendar.feed_set": _("Holiday feed changed"),
    "calendar.feed_synced": _("Holiday feed synced"),
    "calendar.holiday_added": _("Holiday added"),
    "calendar.holiday_deleted": _("Holiday deleted"),
    "calendar.holidays_generated": _("Public holidays added"),
    "calendar.holidays_imported": _("Holidays imported"),
    "calendar.updated": _("Business calendar updated"),
    "calibration.revealed": _("Calibration revealed"),
    "calibration.started": _("Calibration started"),
    "canned_response.deleted": _("Canned response deleted"),
    "canned_response.saved": _("Canned response saved"),
    "chat_channel.created": _("Chat channel created"),
    "chat_channel.deleted": _("Chat channel deleted"),
    "chat_channel.switched_off": _("Chat channel switched off"),
    "chat_channel.tested": _("Chat channel tested"),
    "chat_channel.updated": _("Chat channel updated"),
    "chat_widget.saved": _("Chat widget saved"),
    "coaching.created": _("Coaching task created"),
    "coaching.done": _("Coaching task done"),
    "cost_centre.created": _("Cost centre created"),
    "custom_field.saved": _("Custom field saved"),
    "customer.merged": _("Customers merged"),
    "customers.imported": _("Customers imported"),
    "dashboard.share_revoked": _("Dashboard link revoked"),
    "dashboard.shared": _("Dashboard shared"),
    "dashboard.view_deleted": _("Dashboard view deleted"),
    "dashboard.view_saved": _("Dashboard view saved"),
    "delivery.resent": _("Delivery sent again"),
    "export.downloaded": _("Export downloaded"),
    "feedback.shared": _("Customer feedback shared"),
    "forecast.adjusted": _("Forecast adjusted"),
    "forecast.computed": _("Forecast computed"),
    "forecast.failed": _("Forecast failed"),
    "forecast.requested": _("Forecast requested"),
    "goal.changed": _("Goal changed"),
    "goal.created": _("Goal created"),
    "goal.deleted": _("Goal deleted"),
    "inbound_email.discarded": _("Inbound email discarded"),
    "inbound_email.retried": _("Inbound email processed again"),
    "inbound_hook.created": _("Inbound hook created"),
    "inbound_hook.deleted": _("Inbound hook deleted"),
    "inbound_hook.secret_rotated": _("Inbound hook secret rotated"),
    "inbound_hook.updated": _("Inbound hook updated"),
    "macro.changed": _("Macro changed"),
    "macro.created": _("Macro created"),
    "macro.deleted": _("Macro deleted"),
    "mail.resent": _("Email sent again"),
    "mailbox.activated": _("Mailbox switched on"),
    "mailbox.created": _("Mailbox created"),
    "mailbox.deactivated": _("Mailbox switched off"),
    "mailbox.updated": _("Mailbox updated"),
    "organization.created": _("Organization created"),
    "organization.updated": _("Organization updated"),
    "planning_queue.created": _("Planning queue created"),
    "report_subscription.changed": _("Report subscription changed"),
    "report_subscription.created": _("Report subscription created"),
    "report_subscription.stopped": _("Report subscription stopped"),
    "review.acknowledged": _("QA review acknowledged"),
    "review.shared": _("QA review shared with the agent"),
    "rotation.applied": _("Rotation applied"),
    "rotation.saved": _("Rotation saved"),
    "routing.agent_updated": _("Agent routing updated"),
    "routing.team_updated": _("Team routing updated"),
    "sample.drawn": _("QA sample drawn"),
    "saved_view.created": _("Saved view created"),
    "saved_view.deleted": _("Saved view deleted"),
    "schedule.published": _("Schedule published"),
    "scorecard.changed": _("Scorecard changed"),
    "scorecard.created": _("Scorecard created"),
    "shift.moved": _("Shift moved"),
    "shift.placed": _("Shift placed"),
    "shift.removed": _("Shift removed"),
    "shift_template.saved": _("Shift template saved"),
    "sign_in_link.sent": _("Sign-in link sent"),
    "sign_in_policy.changed": _("Sign-in policy changed"),
    "sla_escalation.created": _("SLA escalation added"),
    "sla_escalation.deleted": _("SLA escalation deleted"),
    "sla_escalation.updated": _("SLA escalation updated"),
    "sla_policy.created": _("SLA policy created"),
    "sla_policy.deleted": _("SLA policy deleted"),
    "sla_policy.moved": _("SLA policy reordered"),
    "sla_policy.updated": _("SLA policy updated"),
    "staffing_plan.created": _("Staffing plan made"),
    "survey.changed": _("Survey changed"),
    "survey.created": _("Survey created"),
    "team.created": _("Team created"),
    "team.member_removed": _("Team member removed"),
    "team.member_set": _("Team member added or changed"),
    "team.updated": _("Team updated"),
    "telephony_provider.created": _("Telephony system added"),
    "telephony_provider.secret_rotated": _("Telephony system secret rotated"),
    "telephony_provider.updated": _("Telephony system updated"),
    "ticket_status.saved": _("Ticket status saved"),
    "time_off.approved": _("Time off approved"),
    "time_off.declined": _("Time off declined"),
    "time_off.requested": _("Time off requested"),
    "two_factor.disabled": _("Two-factor sign-in turned off"),
    "two_factor.enabled": _("Two-factor sign-in turned on"),
    "two_factor.recovery_code_used": _("Recovery code used"),
    "two_factor.reset": _("Two-factor sign-in reset"),
    "user.created": _("User created"),
    "user.customer_changed": _("Portal login moved to another customer"),
    "user.locked_out": _("Account locked out"),
    "user.password_changed": _("Password changed"),
    "user.password_reset": _("Password reset completed"),
    "user.password_reset_requested": _("Password reset requested"),
    "user.preferences_changed": _("Preferences changed"),
    "user.sign_in_failed": _("Sign-in failed"),
    "user.signed_in": _("Signed in"),
    "user.updated": _("User updated"),
    "webform.created": _("Web form created"),
    "webform.updated": _("Web form updated"),
    "webhook.created": _("Webhook created"),
    "webhook.deleted": _("Webhook deleted"),
    "webhook.pinged": _("Webhook pinged"),
    "webhook.secret_rotated": _("Webhook secret rotated"),
    "webhook.switched_off": _("Webhook switched off"),
    "webhook.updated": _("Webhook updated"),
}

TARGETS: dict[str, Any] = {
    "accounts.apitoken": _("API token"),
    "accounts.signinpolicy": _("Sign-in policy"),
    "accounts.user": _("User"),
    "analytics.dashboardshare": _("Shared dashboard link"),
    "analytics.dashboardview": _("Dashboard view"),
    "analytics.goal": _("Goal"),
    "analytics.reportsubscription": _("Report subscription"),
    "automation.macro": _("Macro"),
    "automation.rule": _("Automation rule"),
    "core.outgoingmail": _("Outgoing email"),
    "customers.customer": _("Customer"),
    "customers.customerorganization": _("Organization"),
    "fields.customfield": _("Custom field"),
    "integrations.chatchannel": _("Chat channel"),
    "integrations.delivery": _("Delivery"),
    "integrations.inboundhook": _("Inbound hook"),
    "integrations.webhook": _("Webhook"),
    "messaging.chatwidget": _("Chat widget"),
    "messaging.inboundemail": _("Inbound email"),
    "messaging.mailbox": _("Mailbox"),
    "messaging.telephonyprovider": _("Telephony system"),
    "messaging.webform": _("Web form"),
    "people.team": _("Team"),
    "quality.calibrationsession": _("Calibration"),
    "quality.coachingtask": _("Coaching task"),
    "quality.review": _("QA review"),
    "quality.samplecycle": _("QA sample"),
    "quality.scorecard": _("Scorecard"),
    "quality.survey": _("Survey"),
    "sla.businesscalendar": _("Business calendar"),
    "sla.slapolicy": _("SLA policy"),
    "tickets.cannedresponse": _("Canned response"),
    "tickets.savedview": _("Saved view"),
    "tickets.ticketstatus": _("Ticket status"),
    "workforce.budget": _("Budget version"),
    "workforce.costcentre": _("Cost centre"),
    "workforce.forecast": _("Forecast"),
    "workforce.planningqueue": _("Planning queue"),
    "workforce.rotation": _("Rotation"),
    "workforce.shift": _("Shift"),
    "workforce.shifttemplate": _("Shift template"),
    "workforce.staffingplan": _("Staffing plan"),
    "workforce.timeoff": _("Time off"),
}


def verb(code: str) -> str:
    """The words for a verb; a verb no longer written (an old row) shows as recorded."""
    return str(VERBS.get(code, code))


def target(event: Any) -> str:
    """ "User #2": the kind of object and its number ("" when the action had none)."""
    if not event.target_type:
        return ""
    kind = TARGETS.get(event.target_type)
    return f"{kind} #{event.target_id}" if kind else f"{event.target_type} #{event.target_id}"


def choices() -> list[tuple[str, str]]:
    """(verb, words) sorted by the words in the reader's language."""
    return sorted(((code, str(label)) for code, label in VERBS.items()), key=lambda pair: pair[1].casefold())


def unknown_verbs() -> list[str]:
    """Verbs given as literals to `record(verb=...)` anywhere in the code without words here (the test's check)."""
    root = Path(__file__).resolve().parent.parent
    found: set[str] = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    value = keyword.value
                    if keyword.arg == "verb" and isinstance(value, ast.Constant) and isinstance(value.value, str):
                        found.add(value.value)
    return sorted(found - set(VERBS))
