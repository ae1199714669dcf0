"""Web forms: administrators configure them (MANAGE_CHANNELS, audited); visitors' submissions become tickets
through the one intake (`create_ticket(channel="web")`), with the form's team and the custom fields it asks for."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, require
from opsdesk.accounts.models import User
from opsdesk.audit import actions as audit
from opsdesk.core import translations
from opsdesk.core.errors import ActionError
from opsdesk.core.origin import origin
from opsdesk.fields.models import CustomField
from opsdesk.messaging.actions.origins import clean_origins
from opsdesk.messaging.models import WebForm
from opsdesk.people.models import Team
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets.models import Ticket

MAX_FIELDS = 30
LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def _error(code: str, message: str, field: str) -> ActionError:
    return ActionError(code, message, field=field, status=422)


def clean_field_specs(specs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """[{"key", "required"}] in order: ticket custom fields that exist, each once."""
    known = set(CustomField.objects.filter(target=CustomField.Target.TICKET).values_list("key", flat=True))
    out: list[dict[str, Any]] = []
    for spec in specs:
        key = str(spec.get("key", ""))
        if key not in known:
            raise _error("unknown_field", _("Unknown field %(key)s.") % {"key": key[:50]}, "fields")
        if any(s["key"] == key for s in out):
            continue
        out.append({"key": key, "required": bool(spec.get("required"))})
    if len(out) > MAX_FIELDS:
        raise _error("too_many", _("Choose at most 30 fields."), "fields")
    return out


def _text(value: str, *, field: str, limit: int, multiline: bool = False) -> str:
    text = (value or "").strip() if multiline else " ".join((value or "").split())
    if not text:
        raise _error("required", _("This field is required."), field)
    if len(text) > limit:
        raise _error("too_long", _("Use at most %(n)d characters.") % {"n": limit}, field)
    return text


@transaction.atomic
def save_webform(
    form: WebForm | None,
    *,
    name: str,
    title: str,
    title_translations: dict[str, str] | None = None,
    success_message: str,
    success_message_translations: dict[str, str] | None = None,
    team: Team | None = None,
    language: str = "",
    fields: Sequence[dict[str, Any]] = (),
    allowed_origins: Sequence[str] = (),
    active: bool = True,
    actor: User,
) -> WebForm:
    """Create (form=None) or change a web form."""
    require(actor, Capability.MANAGE_CHANNELS)
    values: dict[str, Any] = {
        "name": _text(name, field="name", limit=100),
        "title": _text(title, field="title", limit=200),
        "title_translations": translations.clean(title_translations, field="title", max_length=200),
        "success_message": _text(success_message, field="success_message", limit=2000, multiline=True),
        "success_message_translations": translations.clean(
            success_message_translations, field="success_message", max_length=2000, multiline=True
        ),
        "team": team,
        "language": language or "",
        "fields": clean_field_specs(fields),
        "allowed_origins": clean_origins(allowed_origins),
        "active": bool(active),
    }
    if values["language"] and values["language"] not in LANGUAGE_CODES:
        raise _error("invalid_language", _("Choose a supported language."), "language")
    if form is None:
        form = WebForm.objects.create(**values)
        audit.record(actor=actor, verb="webform.created", target=form, data=_audited(values))
        return form
    form = WebForm.objects.select_for_update().get(pk=form.pk)
    before = _audited({name: getattr(form, name) for name in values})
    for name, value in values.items():
        setattr(form, name, value)
    form.save()
    audit.record(actor=actor, verb="webform.updated", target=form, data={"before": before, "after": _audited(values)})
    return form


def _audited(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.pk if isinstance(v, Team) else v) for k, v in values.items()}


def submit_webform(
    form: WebForm,
    *,
    name: str,
    email: str,
    subject: str,
    description: str,
    custom_fields: dict[str, Any],
    language: str,
    attachments: Sequence[UploadedFile] = (),
    submission: str = "",
) -> Ticket:
    """A visitor's submission: a ticket for the sender (found or created by email), on the form's team, with the
    form's custom fields only, each required one filled in. A repeated `submission` is the same ticket."""
    if not form.active:
        raise ActionError("form_closed", _("This form no longer takes messages."), status=404)
    asked = {spec["key"]: spec for spec in form.field_specs()}
    values = {key: value for key, value in custom_fields.items() if key in asked}
    for key, spec in asked.items():
        if spec.get("required") and values.get(key) in (None, ""):
            raise _error("required", _("This field is required."), key)
    with origin("portal"):
        return ticket_actions.create_ticket(
            subject=subject,
            body=description,
            requester_email=email,
            requester_name=name,
            actor=None,
            channel=Ticket.Channel.WEB,
            via="webform",
            team=form.team,
            language=language if language in LANGUAGE_CODES else None,
            custom_fields=values,
            attachments=attachments,
            submission=submission,
        )
