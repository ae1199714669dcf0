"""Scheduled report subscriptions: subscribe, change, stop (people who manage reports, or the recipient through
the signed link), and `send_due`, which the hourly job calls for each subscription.

`send_due` renders the report outside any transaction (it only reads), then, in one short transaction, takes the
subscription's row, checks again that the period was not sent meanwhile, queues the mail with its XLSX in the
durable outbox and records the period as sent: the mail is queued once per period, and never lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, can, require
from opsdesk.accounts.models import User
from opsdesk.analytics import cuts, periods, rollups, scheduled, spreadsheets
from opsdesk.analytics.models import ReportSubscription
from opsdesk.analytics.periods import Period
from opsdesk.analytics.query import Cut
from opsdesk.audit import actions as audit
from opsdesk.core import outbox
from opsdesk.core.errors import ActionError
from opsdesk.core.models import OutgoingMail
from opsdesk.people.models import Team

MAIL_KIND = "analytics.report"


@dataclass(frozen=True)
class Recipient:
    user: User | None
    email: str
    language: str


def check_subscription(*, frequency: str, user: User | None, email: str, language: str, team: Team | None) -> Recipient:
    """The rules of a subscription, also for a preview before subscribing: a known frequency; a person who may see
    the report's figures, or an outside address with its language, not both."""
    if frequency not in ReportSubscription.Frequency.values:
        raise ActionError("invalid_frequency", _("Choose how often the report is sent."), field="frequency")
    email = (email or "").strip().lower()
    if user is None and not email:
        raise ActionError("required", _("Choose a person or enter an outside address."), field="user", status=422)
    if user is not None and email:
        raise ActionError("both", _("Choose a person or an outside address, not both."), field="email")
    if user is not None:
        if not user.is_active or not can(user, Capability.VIEW_REPORTS):
            raise ActionError("cannot_view", _("%(name)s cannot see reports.") % {"name": user.name}, field="user")
        cut = Cut(scheduled.latest_period(frequency, periods.today()), rollups.Where(team=team.pk if team else None))
        try:
            visible = cuts.scope(user, cut) == cut
        except ActionError:
            visible = False
        if not visible:
            raise ActionError(
                "team_not_visible",
                _("%(name)s sees the figures of their own teams only: choose one of them.") % {"name": user.name},
                field="team",
            )
        return Recipient(user, "", "")
    try:
        validate_email(email)
    except ValidationError:
        raise ActionError("invalid_email", _("Enter a valid email address."), field="email") from None
    if User.objects.filter(email__iexact=email, is_active=True).exclude(role="customer").exists():
        raise ActionError(
            "is_user", _("This address belongs to a user: choose them as the person instead."), field="email"
        )
    if language not in dict(settings.LANGUAGES):
        raise ActionError("invalid_language", _("Choose the language of the report."), field="language")
    return Recipient(None, email, language)


def _snapshot(subscription: ReportSubscription) -> dict[str, object]:
    return {
        "frequency": subscription.frequency,
        "user": subscription.user_id,
        "email": subscription.email,
        "language": subscription.language,
        "team": subscription.team_id,
        "is_active": subscription.is_active,
    }


@transaction.atomic
def subscribe(
    *,
    frequency: str,
    user: User | None = None,
    email: str = "",
    language: str = "",
    team: Team | None = None,
    actor: User,
) -> ReportSubscription:
    require(actor, Capability.MANAGE_REPORTS)
    recipient = check_subscription(frequency=frequency, user=user, email=email, language=language, team=team)
    same = ReportSubscription.objects.filter(frequency=frequency, team=team, is_active=True)
    same = same.filter(user=recipient.user) if recipient.user else same.filter(email=recipient.email)
    if same.exists():
        raise ActionError("duplicate", _("This recipient already receives this report."), field="frequency")
    subscription = ReportSubscription.objects.create(
        frequency=frequency,
        user=recipient.user,
        email=recipient.email,
        language=recipient.language,
        team=team,
        created_by=actor,
    )
    audit.record(actor=actor, verb="report_subscription.created", target=subscription, data=_snapshot(subscription))
    return subscription


@transaction.atomic
def update_subscription(
    subscription: ReportSubscription,
    *,
    frequency: str,
    language: str = "",
    team: Team | None = None,
    is_active: bool = True,
    actor: User,
) -> ReportSubscription:
    """Change how often, the language (outside addresses) and the team; the recipient stays (subscribe another)."""
    require(actor, Capability.MANAGE_REPORTS)
    subscription = (
        ReportSubscription.objects.select_for_update(of=("self",)).select_related("user").get(pk=subscription.pk)
    )
    before = _snapshot(subscription)
    recipient = check_subscription(
        frequency=frequency, user=subscription.user, email=subscription.email, language=language, team=team
    )
    if is_active:
        same = ReportSubscription.objects.filter(frequency=frequency, team=team, is_active=True)
        same = same.filter(user=subscription.user) if subscription.user else same.filter(email=subscription.email)
        if same.exclude(pk=subscription.pk).exists():
            raise ActionError("duplicate", _("This recipient already receives this report."), field="frequency")
    subscription.frequency, subscription.language = frequency, recipient.language
    subscription.team, subscription.is_active = team, is_active
    subscription.save(update_fields=["frequency", "language", "team", "is_active"])
    after = _snapshot(subscription)
    if after != before:
        audit.record(
            actor=actor,
            verb="report_subscription.changed",
            target=subscription,
            data={"before": before, "after": after},
        )
    return subscription


@transaction.atomic
def unsubscribe(subscription: ReportSubscription, *, actor: User | None) -> ReportSubscription:
    """Stop a subscription; `actor` None is the recipient, through the signed link in a report. Stopping one that
    is stopped changes nothing."""
    require(actor, Capability.MANAGE_REPORTS)
    subscription = ReportSubscription.objects.select_for_update().get(pk=subscription.pk)
    if not subscription.is_active:
        return subscription
    subscription.is_active = False
    subscription.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        verb="report_subscription.stopped",
        target=subscription,
        data={"by": "recipient" if actor is None else "manager", **_snapshot(subscription)},
    )
    return subscription


def send_due(subscription_id: int, *, now: datetime | None = None) -> OutgoingMail | None:
    """Queue the report of the subscription's last finished period, unless it was queued already; safe to run any
    number of times. A user who may no longer see the figures gets nothing, and the period counts as done."""
    now = now or timezone.now()
    subscription = (
        ReportSubscription.objects.select_related("user", "team").filter(pk=subscription_id, is_active=True).first()
    )
    if subscription is None:
        return None
    period = scheduled.due_period(subscription, now)
    if period is None:
        return None
    try:
        rendered: scheduled.Rendered | None = scheduled.render(subscription, period)
    except ActionError:
        rendered = None  # the recipient lost access: nothing to send for this period
    return _queue(subscription, period, rendered)


@transaction.atomic
def _queue(
    subscription: ReportSubscription, period: Period, rendered: scheduled.Rendered | None
) -> OutgoingMail | None:
    locked = ReportSubscription.objects.select_for_update().get(pk=subscription.pk)
    changed = (locked.frequency, locked.user_id, locked.email, locked.language, locked.team_id) != (
        subscription.frequency,
        subscription.user_id,
        subscription.email,
        subscription.language,
        subscription.team_id,
    )
    if not locked.is_active or locked.last_period_start == period.start or changed:
        return None  # sent by another run, stopped, or changed while rendering (the next run renders it anew)
    mail = None
    if rendered is not None:
        mail = outbox.queue_mail(
            kind=MAIL_KIND,
            to=[rendered.address],
            language=rendered.language,
            subject=rendered.mail.subject,
            body_text=rendered.mail.body_text,
            body_html=rendered.mail.body_html,
            headers={"Auto-Submitted": "auto-generated", "List-Unsubscribe": f"<{rendered.unsubscribe_url}>"},
            files=[(rendered.filename, rendered.xlsx, spreadsheets.XLSX_TYPE)],
        )
    locked.last_period_start = period.start
    locked.save(update_fields=["last_period_start"])
    return mail
