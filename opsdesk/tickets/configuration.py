"""Actions for the administrator's ticket configuration: statuses, custom fields and canned responses.

Kept apart from actions.py (which holds the writes on tickets themselves); the same rules apply: one transaction,
a check that raises ActionError, save with update_fields, and an audit row with the values before and after.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError
from opsdesk.tickets.models import CannedResponse, CustomField, Ticket, TicketStatus

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.people.models import Team


def _snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


STATUS_FIELDS = ["name", "category", "position", "is_default", "is_active"]


@transaction.atomic
def save_status(
    status: TicketStatus | None,
    *,
    name: str,
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
    if TicketStatus.objects.filter(name__iexact=name).exclude(pk=status.pk if status else 0).exists():
        raise ActionError("name_taken", _("A status with this name exists already."), field="name")
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
            name=name, category=category, position=position, is_default=is_default, is_active=is_active
        )
    else:
        status.name, status.category, status.position = name, category, position
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


FIELD_FIELDS = ["key", "label", "type", "target", "choices", "visible_in_portal", "required_in_portal", "position"]


@transaction.atomic
def save_custom_field(
    field: CustomField | None,
    *,
    label: str,
    type: str,
    target: str = CustomField.Target.TICKET,
    key: str = "",
    choices: list[str] | None = None,
    visible_in_portal: bool = False,
    required_in_portal: bool = False,
    position: int = 0,
    actor: User,
) -> CustomField:
    label = " ".join((label or "").split())
    if not label:
        raise ActionError("empty_label", _("Enter a label."), field="label", status=422)
    if type not in CustomField.Type.values:
        raise ActionError("invalid_type", _("Choose a valid type."), field="type", status=422)
    if target not in CustomField.Target.values:
        raise ActionError("invalid_target", _("Choose what the field applies to."), field="target", status=422)
    key = slugify(key or label).replace("-", "_")[:50]
    if not key:
        raise ActionError("invalid_key", _("Enter a key of letters, digits and underscores."), field="key", status=422)
    clean_choices = [c.strip() for c in (choices or []) if c and c.strip()]
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
        "type": type,
        "target": target,
        "choices": clean_choices,
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


@transaction.atomic
def save_canned_response(
    response: CannedResponse | None, *, title: str, body: str, language: str, team: Team | None, actor: User
) -> CannedResponse:
    title = " ".join((title or "").split())
    if not title:
        raise ActionError("empty_title", _("Enter a title."), field="title", status=422)
    if not (body or "").strip():
        raise ActionError("empty_body", _("Write the text."), field="body", status=422)
    before: dict[str, Any] = {}
    if response is None:
        response = CannedResponse.objects.create(title=title, body=body, language=language, team=team)
    else:
        response = CannedResponse.objects.select_for_update().get(pk=response.pk)
        before = {
            "title": response.title,
            "body": response.body,
            "language": response.language,
            "team": response.team_id,
        }
        response.title, response.body, response.language, response.team = title, body, language, team
        response.save(update_fields=["title", "body", "language", "team"])
    audit.record(
        actor=actor,
        verb="canned_response.saved",
        target=response,
        data={
            "before": before,
            "after": {"title": title, "body": body, "language": language, "team": team.pk if team else None},
        },
    )
    return response


@transaction.atomic
def delete_canned_response(response: CannedResponse, *, actor: User) -> None:
    audit.record(
        actor=actor,
        verb="canned_response.deleted",
        target=response,
        data={"title": response.title, "body": response.body},
    )
    response.delete()
