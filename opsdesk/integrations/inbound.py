"""The inbound hook's payloads (docs/webhooks.md): parsed and checked before anything is written, so a hostile or
careless sender gets a 400 naming the field, never a 500 and never a half-made ticket.

A payload with `ticket` updates that ticket (`Update`); any other opens one (`Create`). Unknown fields, wrong types,
lengths, NUL characters, unknown choices and numbers out of range are all refused here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from opsdesk.core.params import MAX_INT
from opsdesk.tickets import categories
from opsdesk.tickets.actions import MAX_BODY_CHARS, MAX_TAGS
from opsdesk.tickets.models import Ticket

MAX_SUBJECT = 250
MAX_NAME = 200
MAX_EMAIL = 254
MAX_EXTERNAL_ID = 100
MAX_KEY = 100
# what an inbound update may move a ticket to: every category but new (nothing moves back) and closed (automation's)
STATUS_CATEGORIES = tuple(c for c in categories.ALL if c not in (categories.Category.NEW, categories.Category.CLOSED))
CREATE_FIELDS = {"subject", "body", "requester", "priority", "type", "tags", "external_id"}
UPDATE_FIELDS = {"ticket", "comment", "priority", "status", "tags_add"}
KEY = re.compile(r"[\x21-\x7e]{1,100}")  # printable ASCII, no spaces


class PayloadError(Exception):
    def __init__(self, field: str | None, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.field, self.message, self.code = field, message, code


@dataclass(frozen=True)
class Create:
    subject: str
    body: str
    email: str
    name: str
    priority: str | None
    type: str
    tags: tuple[str, ...]
    external_id: str


@dataclass(frozen=True)
class Update:
    ticket: int
    comment: str
    public: bool
    priority: str | None
    status: str | None
    tags_add: tuple[str, ...]


def storable(value: str) -> bool:
    """Text both databases can store: no NUL character, no lone surrogate (JSON allows "\\ud800"; UTF-8 does not)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(name: str) -> str:
    """A field name from the payload, fit to be echoed in an answer and stored with it."""
    return "".join(c for c in name if c.isprintable() and storable(c))[:50] or "?"


def _text(payload: dict[str, Any], key: str, limit: int, *, field: str = "", required: bool = False) -> str:
    field = field or key
    value = payload.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not storable(value) or len(value) > limit:
        raise PayloadError(field, _("Send text of at most %(n)d characters.") % {"n": limit})
    if required and not value.strip():
        raise PayloadError(field, _("This field is required."), "required")
    return value


def _choice(payload: dict[str, Any], key: str, choices: tuple[str, ...] | list[str]) -> str | None:
    value = payload.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or value not in choices:
        raise PayloadError(key, _("Use one of: %(choices)s.") % {"choices": ", ".join(choices)})
    return value


def _tags(payload: dict[str, Any], key: str) -> tuple[str, ...]:
    value = payload.get(key)
    if value is None:
        return ()
    if (
        not isinstance(value, list)
        or len(value) > MAX_TAGS
        or not all(isinstance(t, str) and 0 < len(t) <= 60 and storable(t) for t in value)
    ):
        raise PayloadError(key, _("Send a list of at most %(n)d tags of 1 to 60 characters.") % {"n": MAX_TAGS})
    return tuple(value)


def _unknown(payload: dict[str, Any], known: set[str], prefix: str = "") -> None:
    unknown = sorted(set(payload) - known)
    if unknown:
        raise PayloadError(prefix + _shown(str(unknown[0])), _("Unknown field."), "unknown_field")


def parse(payload: Any) -> Create | Update:
    if not isinstance(payload, dict):
        raise PayloadError(None, _("Send a JSON object."))
    if "ticket" in payload:
        return _update(payload)
    return _create(payload)


def _create(payload: dict[str, Any]) -> Create:
    _unknown(payload, CREATE_FIELDS)
    requester = payload.get("requester")
    if not isinstance(requester, dict):
        raise PayloadError("requester", _("Send the requester as an object with an email."), "required")
    _unknown(requester, {"email", "name"}, "requester.")
    email = _text(requester, "email", MAX_EMAIL, field="requester.email", required=True).strip()
    if "@" not in email or any(c.isspace() for c in email):
        raise PayloadError("requester.email", _("Enter an email address."))
    return Create(
        subject=_text(payload, "subject", MAX_SUBJECT, required=True),
        body=_text(payload, "body", MAX_BODY_CHARS, required=True),
        email=email,
        name=_text(requester, "name", MAX_NAME, field="requester.name"),
        priority=_choice(payload, "priority", Ticket.Priority.values),
        type=_choice(payload, "type", Ticket.Type.values) or Ticket.Type.INCIDENT,
        tags=_tags(payload, "tags"),
        external_id=external_id(payload),
    )


def external_id(payload: dict[str, Any]) -> str:
    value = payload.get("external_id")
    if value is None:
        return ""
    if not isinstance(value, str) or not KEY.fullmatch(value):
        message = _("Send printable text without spaces, at most %(n)d characters.") % {"n": MAX_EXTERNAL_ID}
        raise PayloadError("external_id", message)
    return value


def _update(payload: dict[str, Any]) -> Update:
    _unknown(payload, UPDATE_FIELDS)
    number = payload.get("ticket")
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= MAX_INT:
        raise PayloadError("ticket", _("Send the ticket's number."))
    comment, public = "", False
    if payload.get("comment") is not None:
        given = payload["comment"]
        if not isinstance(given, dict):
            raise PayloadError("comment", _("Send the comment as an object with a body."))
        _unknown(given, {"body", "public"}, "comment.")
        comment = _text(given, "body", MAX_BODY_CHARS, field="comment.body", required=True)
        public = given.get("public", False)
        if not isinstance(public, bool):
            raise PayloadError("comment.public", _("Send true or false."))
    update = Update(
        ticket=number,
        comment=comment,
        public=public,
        priority=_choice(payload, "priority", Ticket.Priority.values),
        status=_choice(payload, "status", STATUS_CATEGORIES),
        tags_add=_tags(payload, "tags_add"),
    )
    if not (update.comment or update.priority or update.status or update.tags_add):
        raise PayloadError(None, _("Nothing to change: send a comment, priority, status or tags_add."), "no_change")
    return update


def idempotency_key(header: str) -> str:
    """The Idempotency-Key header as stored ("" when none); PayloadError when it cannot be one."""
    if not header:
        return ""
    if not KEY.fullmatch(header):
        raise PayloadError("Idempotency-Key", _("Send printable text without spaces, at most 100 characters."))
    return header
