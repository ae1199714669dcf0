"""Scheduled reports: which period a subscription reports on, what its e-mail says, and its unsubscribe link.

- A daily subscription reports on yesterday, a weekly one on the last Monday–Sunday, a monthly one on the last
  calendar month, in reporting days (analytics/periods.py); a period is sent an hour after it ended, so the
  analytics consumer has caught up with its last events.
- The e-mail is rendered in the recipient's language: a user's own, else the subscription's. A user receives the
  figures they may see in OpsDesk (`cuts.scope`), an outside address what the manager who subscribed it chose.
- `render` is the one way to the e-mail, used by the job (actions/reports.py `send_due`) and by the preview page,
  so the preview is the e-mail that would be sent.
- The unsubscribe link carries a token signed with SECRET_KEY (django.core.signing, salted, with its time): it
  names the subscription and a digest of its recipient and expires after TOKEN_DAYS; nothing is stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from opsdesk.accounts.capabilities import Capability, can
from opsdesk.analytics import cuts, periods, report, rollups, spreadsheets
from opsdesk.analytics.models import ReportSubscription
from opsdesk.analytics.periods import Period
from opsdesk.analytics.query import Cut
from opsdesk.core.errors import ActionError
from opsdesk.core.mail import RenderedMail, render_templated
from opsdesk.core.site import absolute_url

TEMPLATE = "analytics/emails/report"
GRACE = timedelta(hours=1)  # after a period's end, before it is sent
TOKEN_SALT = "opsdesk.analytics.report-unsubscribe"
TOKEN_DAYS = 90  # a link in an old report stops working after this; every report brings a new one
TITLES = {
    ReportSubscription.Frequency.DAILY: _("Daily report"),
    ReportSubscription.Frequency.WEEKLY: _("Weekly report"),
    ReportSubscription.Frequency.MONTHLY: _("Monthly report"),
}


def latest_period(frequency: str, today: date) -> Period:
    """The last whole period of this frequency before `today` (a reporting day)."""
    if frequency == ReportSubscription.Frequency.DAILY:
        yesterday = today - timedelta(days=1)
        return Period(yesterday, yesterday)
    if frequency == ReportSubscription.Frequency.WEEKLY:
        return periods.week_of(today - timedelta(days=7))
    return periods.month_of(periods.month_of(today).start - timedelta(days=1))


def compare_period(frequency: str, period: Period) -> Period:
    """The period before: the day or week before, or the calendar month before (not the same number of days)."""
    if frequency == ReportSubscription.Frequency.MONTHLY:
        return periods.month_of(period.start - timedelta(days=1))
    return period.previous()


def finished_period(frequency: str, now: datetime) -> Period:
    """The last period that ended at least GRACE ago: what is sent now, and what the preview shows."""
    return latest_period(frequency, periods.day_of(now - GRACE))


def due_period(subscription: ReportSubscription, now: datetime) -> Period | None:
    """The period to send now, unless it is the one sent last."""
    period = finished_period(subscription.frequency, now)
    return None if subscription.last_period_start == period.start else period


def language_of(subscription: ReportSubscription) -> str:
    if subscription.user is not None:
        return subscription.user.language or settings.LANGUAGE_CODE
    return subscription.language or settings.LANGUAGE_CODE


def address_of(subscription: ReportSubscription) -> str:
    return subscription.user.email if subscription.user is not None else subscription.email


def report_request(subscription: ReportSubscription, period: Period) -> cuts.Request:
    """The cut a subscription reports on, as its recipient may see it; ActionError when a user recipient may not
    (their role or teams changed since they were subscribed)."""
    cut = Cut(period, rollups.Where(team=subscription.team_id))
    compare = cut.with_period(compare_period(subscription.frequency, period))
    user = subscription.user
    if user is not None and (
        not user.is_active or not can(user, Capability.VIEW_REPORTS) or cuts.scope(user, cut) != cut
    ):
        raise ActionError("forbidden", _("The recipient may not see these figures."), status=403)
    return cuts.Request(cut, compare, "custom", "previous")


# --- the unsubscribe link -----------------------------------------------------------------------------------------


class TokenError(Exception):
    def __init__(self, reason: str) -> None:  # "expired" or "invalid"
        super().__init__(reason)
        self.reason = reason


def _recipient_digest(subscription: ReportSubscription) -> str:
    """Binds a link to the recipient it was sent to."""
    who = f"{subscription.user_id or ''}|{address_of(subscription).lower()}"
    return hashlib.sha256(who.encode()).hexdigest()[:16]


def unsubscribe_token(subscription: ReportSubscription) -> str:
    return signing.dumps({"s": subscription.pk, "r": _recipient_digest(subscription)}, salt=TOKEN_SALT)


def subscription_for_token(token: str) -> ReportSubscription:
    """The subscription a link names; TokenError("expired") or TokenError("invalid") (forged, altered, or for a
    subscription that is gone or now goes elsewhere)."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=timedelta(days=TOKEN_DAYS))
    except signing.SignatureExpired:
        raise TokenError("expired") from None
    except signing.BadSignature:
        raise TokenError("invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        raise TokenError("invalid")
    found = ReportSubscription.objects.select_related("user").filter(pk=data["s"]).first()
    if found is None or data.get("r") != _recipient_digest(found):
        raise TokenError("invalid")
    return found


def unsubscribe_url(subscription: ReportSubscription) -> str:
    """The absolute link; a preview of a subscription not saved yet links to a token that is never valid."""
    token = unsubscribe_token(subscription) if subscription.pk else "preview"
    return absolute_url(reverse("analytics_reports:unsubscribe", args=[token]))


# --- the e-mail ---------------------------------------------------------------------------------------------------


@dataclass
class Rendered:
    mail: RenderedMail
    language: str
    address: str
    xlsx: bytes
    filename: str
    unsubscribe_url: str
    report: report.Report


def render(subscription: ReportSubscription, period: Period) -> Rendered:
    """The report e-mail (HTML and text) and its XLSX, in the recipient's language."""
    language = language_of(subscription)
    request = report_request(subscription, period)
    with translation.override(language):
        built = report.build(request, title=str(TITLES[ReportSubscription.Frequency(subscription.frequency)]))
        xlsx = spreadsheets.to_xlsx(built)
    filename = f"opsdesk-report-{period.start.isoformat()}-{period.end.isoformat()}.xlsx"
    link = unsubscribe_url(subscription)
    mail = render_templated(
        TEMPLATE,
        language=language,
        context={
            "report": built,
            "subscription": subscription,
            "filename": filename,
            "unsubscribe_url": link,
            "daily_columns": built.days.brief(),
            "team_columns": [built.teams.column(k) for k in report.EMAIL_TEAMS] if built.teams else [],
        },
    )
    return Rendered(mail, language, address_of(subscription), xlsx, filename, link, built)
