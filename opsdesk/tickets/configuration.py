"""Actions for the administrator's ticket configuration: statuses, custom fields and canned responses.

Kept apart from actions.py (which holds the writes on tickets themselves); the same rules apply: one transaction,
a check that raises ActionError, save with update_fields, and an audit row with the values before and after
(translations included). Names, labels and texts take their other languages as `<field>_translations`
(ADR 0012); `core.translations.clean` checks them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from opsdesk.audit import actions as audit
from opsdesk.core import translations
from opsdesk.core.errors import ActionError
from opsdesk.fields.models import CustomField
from opsdesk.tickets import placeholders
from opsdesk.tickets.models import CannedResponse, Ticket, TicketStatus

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.people.models import Team


def _snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


STATUS_FIELDS = ["name", "name_translations", "category", "position", "is_default", "is_active"]


@transaction.atomic
def save_status(
    status: TicketStatus | None,
    *,
    name: str,
    name_translations: Mapping[str, str] | None = None,
    category: str,
    position: int = 0,
    is_default: bool = False,
    is_active: bool = True,
    actor: User,
) -> TicketStatus:
    """Create or change a status. Its category is fixed once tickets use it, so no metric changes meaning."""
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("empty_name", _("Enter a name."), field="name", status=422)
    if category not in TicketStatus.Category.values:
        raise ActionError("invalid_category", _("Choose a valid category."), field="category", status=422)
    if len(name) > 60:
        raise ActionError("too_long", _("Use at most %(n)d characters.") % {"n": 60}, field="name", status=422)
    name_translations = translations.clean(name_translations, field="name", max_length=60)
    if TicketStatus.objects.filter(name__iexact=name).exclude(pk=status.pk if status else 0).exists():
        raise ActionError("name_taken", _("A status with this name exists already."), field="name")
    translations.check_unique(
        "name",
        name,
        name_translations,
        TicketStatus.objects.exclude(pk=status.pk if status else 0),
        _("A status with this name exists already."),
    )
    before: dict[str, Any] = {}
    if status is not None:
        status = TicketStatus.objects.select_for_update().get(pk=status.pk)
        before = _snapshot(status, STATUS_FIELDS)
        in_use = Ticket.objects.filter(status=status).exists()
        if category != status.category and in_use:
            raise ActionError(
                "category_in_use", _("Tickets use this status, so its category cannot change."), field="category"
            )
        leaving = status.is_active and (not is_active or category != status.category)
        others = TicketStatus.objects.filter(category=status.category, is_active=True).exclude(pk=status.pk)
        if leaving and not others.exists():
            raise ActionError(
                "last_in_category", _("Each category needs at least one active status."), field="is_active"
            )
    if is_default and not is_active:
        raise ActionError("default_inactive", _("The default status must be active."), field="is_default")
    if status is None:
        status = TicketStatus.objects.create(
            name=name,
            name_translations=name_translations,
            category=category,
            position=position,
            is_default=is_default,
            is_active=is_active,
        )
    else:
        status.name, status.name_translations = name, name_translations
        status.category, status.position = category, position
        status.is_default, status.is_active = is_default, is_active
        status.save(update_fields=STATUS_FIELDS)
    if is_default:
        TicketStatus.objects.filter(category=category, is_default=True).exclude(pk=status.pk).update(is_default=False)
    elif not TicketStatus.objects.filter(category=category, is_default=True).exists():
        status.is_default = True  # every category keeps one default, used when the system moves a ticket
        status.save(update_fields=["is_default"])
    audit.record(
        actor=actor,
        verb="ticket_status.saved",
        target=status,
        data={"before": before, "after": _snapshot(status, STATUS_FIELDS)},
    )
    return status


FIELD_FIELDS = [
    "key",
    "label",
    "label_translations",
    "type",
    "target",
    "choices",
    "choice_translations",
    "visible_in_portal",
    "required_in_portal",
    "position",
]


def _choice_translations(
    labels: Mapping[str, Mapping[str, str]] | None, choices: list[str]
) -> dict[str, dict[str, str]]:
    """Each choice's labels in the other languages, checked; labels of values no longer offered are dropped."""
    out: dict[str, dict[str, str]] = {}
    for value, texts in (labels or {}).items():
        if value in choices and (clean := translations.clean(texts, field="choice_translations", max_length=100)):
            out[value] = clean
    return {value: out[value] for value in choices if value in out}


@transaction.atomic
def save_custom_field(
    field: CustomField | None,
    *,
    label: str,
    label_translations: Mapping[str, str] | None = None,
    type: str,
    target: str = CustomField.Target.TICKET,
    key: str = "",
    choices: list[str] | None = None,
    choice_translations: Mapping[str, Mapping[str, str]] | None = None,
    visible_in_portal: bool = False,
    required_in_portal: bool = False,
    position: int = 0,
    actor: User,
) -> CustomField:
    label = " ".join((label or "").split())
    if not label:
        raise ActionError("empty_label", _("Enter a label."), field="label", status=422)
    if len(label) > 100:
        raise ActionError("too_long", _("Use at most %(n)d characters.") % {"n": 100}, field="label", status=422)
    label_translations = translations.clean(label_translations, field="label", max_length=100)
    if type not in CustomField.Type.values:
        raise ActionError("invalid_type", _("Choose a valid type."), field="type", status=422)
    if target not in CustomField.Target.values:
        raise ActionError("invalid_target", _("Choose what the field applies to."), field="target", status=422)
    key = slugify(key or label).replace("-", "_")[:50]
    if not key:
        raise ActionError("invalid_key", _("Enter a key of letters, digits and underscores."), field="key", status=422)
    clean_choices = list(dict.fromkeys(" ".join(c.split()) for c in (choices or []) if c and c.strip()))
    if any(len(c) > 100 for c in clean_choices):
        raise ActionError("too_long", _("Use at most %(n)d characters.") % {"n": 100}, field="choices", status=422)
    if type == CustomField.Type.SELECT and not clean_choices:
        raise ActionError("no_choices", _("A drop-down needs at least one choice."), field="choices", status=422)
    if required_in_portal and not visible_in_portal:
        raise ActionError(
            "required_hidden",
            _("A field required in the portal must be shown there."),
            field="required_in_portal",
            status=422,
        )
    taken = CustomField.objects.filter(target=target, key=key).exclude(pk=field.pk if field else 0)
    if taken.exists():
        raise ActionError("key_taken", _("Another field already uses this key."), field="key")
    before: dict[str, Any] = {}
    values = {
        "key": key,
        "label": label,
        "label_translations": label_translations,
        "type": type,
        "target": target,
        "choices": clean_choices,
        "choice_translations": _choice_translations(choice_translations, clean_choices),
        "visible_in_portal": visible_in_portal,
        "required_in_portal": required_in_portal,
        "position": position,
    }
    if field is None:
        field = CustomField.objects.create(**values)
    else:
        field = CustomField.objects.select_for_update().get(pk=field.pk)
        before = _snapshot(field, FIELD_FIELDS)
        if key != field.key:
            raise ActionError("key_fixed", _("The key cannot change once the field exists."), field="key")
        for name, value in values.items():
            setattr(field, name, value)
        field.save(update_fields=FIELD_FIELDS)
    audit.record(
        actor=actor,
        verb="custom_field.saved",
        target=field,
        data={"before": before, "after": _snapshot(field, FIELD_FIELDS)},
    )
    return field


CANNED_FIELDS = ["title", "title_translations", "body", "body_translations", "team"]
MAX_CANNED_BODY = 20_000


def _canned_snapshot(response: CannedResponse) -> dict[str, Any]:
    return {**_snapshot(response, CANNED_FIELDS[:-1]), "team": response.team_id}


@transaction.atomic
def save_canned_response(
    response: CannedResponse | None,
    *,
    title: str,
    title_translations: Mapping[str, str] | None = None,
    body: str,
    body_translations: Mapping[str, str] | None = None,
    team: Team | None,
    actor: User,
) -> CannedResponse:
    """One canned response with its title and text in each language: agents read the title in their language and
    insert the text in the ticket's."""
    title = " ".join((title or "").split())
    if not title:
        raise ActionError("empty_title", _("Enter a title."), field="title", status=422)
    if len(title) > 100:
        raise ActionError("too_long", _("Use at most %(n)d characters.") % {"n": 100}, field="title", status=422)
    body = body or ""
    if not body.strip():
        raise ActionError("empty_body", _("Write the text."), field="body", status=422)
    if len(body) > MAX_CANNED_BODY:
        raise ActionError(
            "too_long", _("Use at most %(n)d characters.") % {"n": MAX_CANNED_BODY}, field="body", status=422
        )
    title_translations = translations.clean(title_translations, field="title", max_length=100)
    body_translations = translations.clean(body_translations, field="body", max_length=MAX_CANNED_BODY, multiline=True)
    for code, text in [(translations.default_language(), body), *body_translations.items()]:
        unknown = placeholders.unknown(text)
        if unknown:
            where = "body" if code == translations.default_language() else f"body_{code}"
            message = _("Unknown placeholder: %(names)s.") % {"names": ", ".join(unknown)}
            raise ActionError("unknown_placeholder", message, field=where, status=422)
    values = {
        "title": title,
        "title_translations": title_translations,
        "body": body,
        "body_translations": body_translations,
        "team": team,
    }
    before: dict[str, Any] = {}
    if response is None:
        response = CannedResponse.objects.create(**values)
    else:
        response = CannedResponse.objects.select_for_update().get(pk=response.pk)
        before = _canned_snapshot(response)
        for name, value in values.items():
            setattr(response, name, value)
        response.save(update_fields=CANNED_FIELDS)
    audit.record(
        actor=actor,
        verb="canned_response.saved",
        target=response,
        data={"before": before, "after": _canned_snapshot(response)},
    )
    return response


@transaction.atomic
def delete_canned_response(response: CannedResponse, *, actor: User) -> None:
    audit.record(
        actor=actor,
        verb="canned_response.deleted",
        target=response,
        data=_canned_snapshot(response),
    )
    response.delete()
