"""Sharing dashboards: read-only links for people without an OpsDesk account (another department), which expire
and can be revoked, and saved dashboard views (a name for a set of filters). The link's token is shown once and
stored only as its SHA-256 hash, like API tokens."""

from __future__ import annotations

import contextlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, can, require
from opsdesk.accounts.models import User, hash_token
from opsdesk.analytics.models import DashboardShare, DashboardView
from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError
from opsdesk.core.params import InvalidParameter, parse_day
from opsdesk.quality import feedback

MAX_LABEL = 100
MAX_SHARE_DAYS = 90
# The dashboard filters a link or a saved view may keep (cuts.parse reads them again on every visit).
KEPT = ("period", "start", "end", "compare", "team", "channel", "language", "priority", "organization", "tag", "bh")


def _label(text: str, field: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ActionError("required", _("Enter a name."), field=field)
    if len(text) > MAX_LABEL or "\x00" in text:
        raise ActionError("too_long", _("A name is at most %(n)d characters.") % {"n": MAX_LABEL}, field=field)
    return text


def kept_params(params: Any) -> dict[str, str]:
    """The filters a saved view or a share keeps; custom dates as ISO, whatever language they were typed in, so
    the link reads the same for everyone (a Finnish 31.12.2026 would not read in Swedish)."""
    kept = {key: str(params[key]) for key in KEPT if params.get(key) not in (None, "")}
    for key in ("start", "end"):
        if key in kept:
            with contextlib.suppress(InvalidParameter):
                kept[key] = parse_day(kept[key], field=key, label=key).isoformat()
    return kept


@transaction.atomic
def share_dashboard(*, label: str, days: int, params: dict[str, str], actor: User) -> tuple[DashboardShare, str]:
    """A new read-only link to the dashboard with these filters; returns it and its token (shown once)."""
    return _share(DashboardShare.Kind.DASHBOARD, label=label, days=days, params=kept_params(params), actor=actor)


@transaction.atomic
def share_feedback(
    *, label: str, days: int, period_days: int, comments: bool, actor: User
) -> tuple[DashboardShare, str]:
    """A new read-only link to the customer feedback report (quality/feedback.py) of the last `period_days`, with
    or without the comments; it reads the tickets `actor` sees. Returns it and its token (shown once)."""
    if period_days not in feedback.PERIODS:
        raise ActionError("invalid_period", _("Choose 7, 30 or 90 days."), field="period")
    params = {"days": str(period_days), "comments": "1" if comments else "0"}
    return _share(DashboardShare.Kind.FEEDBACK, label=label, days=days, params=params, actor=actor)


def _share(kind: str, *, label: str, days: int, params: dict[str, str], actor: User) -> tuple[DashboardShare, str]:
    require(actor, Capability.MANAGE_REPORTS)
    label = _label(label, "label")
    if not 1 <= days <= MAX_SHARE_DAYS:
        message = _("A link works for 1 to %(n)d days.") % {"n": MAX_SHARE_DAYS}
        raise ActionError("invalid_days", message, field="days")
    raw = secrets.token_urlsafe(32)
    share = DashboardShare.objects.create(
        label=label,
        kind=kind,
        token_hash=hash_token(raw),
        params=params,
        expires_at=timezone.now() + timedelta(days=days),
        created_by=actor,
    )
    verb = "dashboard.shared" if kind == DashboardShare.Kind.DASHBOARD else "feedback.shared"
    audit.record(actor=actor, verb=verb, target=share, data={"label": label, "days": days, **params})
    return share, raw


@transaction.atomic
def revoke_share(share: DashboardShare, *, actor: User) -> DashboardShare:
    require(actor, Capability.MANAGE_REPORTS)
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
        audit.record(actor=actor, verb="dashboard.share_revoked", target=share, data={"label": share.label})
    return share


def find_share(raw: str) -> DashboardShare | None:
    """The link's share if the token is right, unexpired and not revoked."""
    if not raw or len(raw) > 100:
        return None
    share = DashboardShare.objects.filter(token_hash=hash_token(raw)).first()
    if share is None or share.revoked_at is not None or share.expires_at <= timezone.now():
        return None
    return share


@transaction.atomic
def save_view(*, name: str, params: dict[str, str], actor: User) -> DashboardView:
    if not (can(actor, Capability.VIEW_REPORTS) or can(actor, Capability.VIEW_OWN_STATS)):
        raise ActionError("forbidden", _("Your role does not allow this."), status=403)
    view = DashboardView.objects.create(name=_label(name, "name"), owner=actor, params=kept_params(params))
    audit.record(actor=actor, verb="dashboard.view_saved", target=view, data={"name": view.name})
    return view


@transaction.atomic
def delete_view(view: DashboardView, *, actor: User) -> None:
    if view.owner_id != actor.pk:
        raise ActionError("forbidden", _("This is someone else's view."), status=403)
    audit.record(actor=actor, verb="dashboard.view_deleted", target=view, data={"name": view.name})
    view.delete()
