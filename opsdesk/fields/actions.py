"""Checking custom field values against their definitions, for every owner (tickets and customers)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from opsdesk.core.errors import ActionError
from opsdesk.fields.models import CustomField


def clean_custom_fields(values: dict[str, Any], *, target: str = CustomField.Target.TICKET) -> dict[str, Any]:
    """Check values against the typed custom field definitions; unknown keys are an error."""
    if not values:
        return {}
    definitions = {f.key: f for f in CustomField.objects.filter(target=target)}
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        field = definitions.get(key)
        if field is None:
            raise ActionError("unknown_field", _("Unknown field %(key)s.") % {"key": key}, field=key, status=422)
        if value in (None, ""):
            continue
        error = ActionError(
            "invalid_field", _("Enter a valid value for %(label)s.") % {"label": str(field)}, field=key, status=422
        )
        if field.type == CustomField.Type.NUMBER:
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise error from None
            value = int(number) if number.is_integer() else number
        elif field.type == CustomField.Type.DATE:
            try:
                value = date.fromisoformat(str(value)).isoformat()
            except ValueError:
                raise error from None
        elif field.type == CustomField.Type.CHECKBOX:
            value = value in (True, "true", "on", "1", 1, "yes")
        elif field.type == CustomField.Type.SELECT:
            if str(value) not in [str(c) for c in field.choices]:
                raise error
            value = str(value)
        else:
            value = str(value)[:1000]
        cleaned[key] = value
    return cleaned
