"""Writes on mailboxes: creating, changing, deactivating (each with an audit row), and the poller's outcome.

The IMAP password is stored as given (see docs/adr/0016-email-transports.md on its storage); it is never shown back
nor written to the audit log, which records only that it changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, require
from opsdesk.accounts.models import User
from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError
from opsdesk.core.replytokens import base_address
from opsdesk.messaging.models import Mailbox
from opsdesk.people.models import Team

# Field: (maximum length, required). Checked here, before the database (SQLite would store what PostgreSQL refuses).
_TEXT_LIMITS: dict[str, tuple[int, bool]] = {
    "name": (100, True),
    "signature": (5000, False),
    "imap_host": (200, False),
    "imap_username": (200, False),
    "imap_folder": (200, False),
    "imap_processed_folder": (200, False),
}
_AUDITED = (
    "name",
    "address",
    "team_id",
    "language",
    "signature",
    "imap_host",
    "imap_port",
    "imap_security",
    "imap_username",
    "imap_folder",
    "imap_processed_folder",
)
LAST_ERROR_LIMIT = 2000


def _clean(values: dict[str, Any], *, mailbox: Mailbox | None) -> dict[str, Any]:
    """The fields as they will be stored, or an ActionError naming the first bad one."""
    cleaned: dict[str, Any] = {}
    for field, (limit, required) in _TEXT_LIMITS.items():
        text = str(values.get(field) or "").strip()
        if "\x00" in text:
            raise ActionError("invalid", _("This text contains a NUL character."), field=field, status=422)
        if field != "signature" and any(ord(char) < 32 or ord(char) == 127 for char in text):
            message = _("This text must be on one line.")  # a line break in a header would end it
            raise ActionError("invalid", message, field=field, status=422)
        if required and not text:
            raise ActionError("required", _("This field is required."), field=field, status=422)
        if len(text) > limit:
            message = _("At most %(n)d characters.") % {"n": limit}
            raise ActionError("too_long", message, field=field, status=422)
        cleaned[field] = text
    address = str(values.get("address") or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise ActionError("invalid_address", _("Enter a valid email address."), field="address", status=422)
    if len(address) > 254:
        raise ActionError("too_long", _("At most %(n)d characters.") % {"n": 254}, field="address", status=422)
    if base_address(address) != address:
        message = _("Enter the mailbox's own address, without a plus part.")
        raise ActionError("plus_address", message, field="address", status=422)
    taken = Mailbox.objects.filter(address__iexact=address)
    if mailbox is not None:
        taken = taken.exclude(pk=mailbox.pk)
    if taken.exists():
        raise ActionError("address_taken", _("Another mailbox has this address."), field="address")
    cleaned["address"] = address
    language = values.get("language") or "en"
    if language not in dict(settings.LANGUAGES):
        raise ActionError("invalid_choice", _("Choose one of the languages offered."), field="language", status=422)
    cleaned["language"] = language
    team = values.get("team")
    if team is not None and not isinstance(team, Team):
        raise ActionError("invalid_choice", _("Choose one of the teams offered."), field="team", status=422)
    cleaned["team_id"] = team.pk if team is not None else None
    security = values.get("imap_security") or Mailbox.Security.SSL
    if security not in Mailbox.Security.values:
        message = _("Choose one of the options offered.")
        raise ActionError("invalid_choice", message, field="imap_security", status=422)
    cleaned["imap_security"] = security
    port = values.get("imap_port")
    port = (993 if security == Mailbox.Security.SSL else 143) if port in (None, "") else port
    if not isinstance(port, int) or not 1 <= port <= 65535:
        message = _("Enter a port between 1 and 65535.")
        raise ActionError("invalid_port", message, field="imap_port", status=422)
    cleaned["imap_port"] = port
    cleaned["imap_folder"] = cleaned["imap_folder"] or "INBOX"
    if cleaned["imap_host"] and not cleaned["imap_username"]:
        message = _("Enter the user name to sign in to the IMAP server with.")
        raise ActionError("required", message, field="imap_username", status=422)
    if cleaned["imap_processed_folder"] and cleaned["imap_processed_folder"] == cleaned["imap_folder"]:
        message = _("Processed mail must go to a folder other than the one that is read.")
        raise ActionError("same_folder", message, field="imap_processed_folder", status=422)
    password = values.get("imap_password")
    if password is not None:
        if len(password) > 200 or "\x00" in password:
            message = _("At most %(n)d characters.") % {"n": 200}
            raise ActionError("too_long", message, field="imap_password", status=422)
        cleaned["imap_password"] = password
    return cleaned


def _snapshot(mailbox: Mailbox) -> dict[str, Any]:
    return {field: getattr(mailbox, field) for field in _AUDITED}


@transaction.atomic
def create_mailbox(*, actor: User, imap_password: str | None = None, **values: Any) -> Mailbox:
    """A new active mailbox. `values` are the model's fields (team as a Team); the password is kept as given."""
    require(actor, Capability.MANAGE_CHANNELS)
    cleaned = _clean({**values, "imap_password": imap_password or ""}, mailbox=None)
    mailbox = Mailbox.objects.create(**cleaned)
    audit.record(actor=actor, verb="mailbox.created", target=mailbox, data={"after": _snapshot(mailbox)})
    return mailbox


@transaction.atomic
def update_mailbox(mailbox: Mailbox, *, actor: User, imap_password: str | None = None, **values: Any) -> Mailbox:
    """Change a mailbox's settings. A password of None (a blank field) keeps the stored one."""
    require(actor, Capability.MANAGE_CHANNELS)
    mailbox = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
    cleaned = _clean({**values, "imap_password": imap_password or None}, mailbox=mailbox)
    before = _snapshot(mailbox)
    password_changed = "imap_password" in cleaned and cleaned["imap_password"] != mailbox.imap_password
    for field, value in cleaned.items():
        setattr(mailbox, field, value)
    after = _snapshot(mailbox)
    changed = [field for field in _AUDITED if before[field] != after[field]]
    if not changed and not password_changed:
        return mailbox  # a form saved unchanged writes nothing
    if mailbox.address != before["address"] or any(f.startswith("imap_") for f in changed) or password_changed:
        mailbox.last_error = ""  # the old error was about other settings
    mailbox.save(update_fields=[*cleaned, "last_error", "updated_at"])
    data: dict[str, Any] = {
        "before": {f: before[f] for f in changed},
        "after": {f: after[f] for f in changed},
    }
    if password_changed:
        data["password_changed"] = True
    audit.record(actor=actor, verb="mailbox.updated", target=mailbox, data=data)
    return mailbox


@transaction.atomic
def set_mailbox_active(mailbox: Mailbox, *, active: bool, actor: User) -> Mailbox:
    """Deactivate (no polling, the LMTP receiver refuses its address) or activate a mailbox again."""
    require(actor, Capability.MANAGE_CHANNELS)
    mailbox = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
    if mailbox.active == active:
        return mailbox
    mailbox.active = active
    mailbox.save(update_fields=["active", "updated_at"])
    audit.record(actor=actor, verb="mailbox.activated" if active else "mailbox.deactivated", target=mailbox, data={})
    return mailbox


def record_poll(mailbox_id: int, *, error: str = "") -> None:
    """The poller's outcome: when it last polled, and its error ("" after a clean poll). Not audited: it is the
    state of a connection, not a change of settings."""
    Mailbox.objects.filter(pk=mailbox_id).update(
        last_polled_at=timezone.now(), last_error=error.replace("\x00", "")[:LAST_ERROR_LIMIT]
    )


def claim_poll(mailbox_id: int, *, min_gap_seconds: int) -> bool:
    """Take the next poll of a mailbox unless someone polled it in the last `min_gap_seconds` (one conditional
    UPDATE, so two workers never both take it)."""
    now = timezone.now()
    due = Q(last_polled_at__isnull=True) | Q(last_polled_at__lt=now - timedelta(seconds=min_gap_seconds))
    return bool(Mailbox.objects.filter(due, pk=mailbox_id, active=True).update(last_polled_at=now))
