"""The inputs for custom field values, for whichever owner (tickets or customers) shows them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import pgettext_lazy

from opsdesk.core.forms import DayInput
from opsdesk.fields.models import CustomField


def custom_field_formfield(field: CustomField, *, portal: bool) -> forms.Field:
    """The input for one custom field, labelled in the reader's language; a drop-down offers its stable values
    with their translated labels."""
    required = field.required_in_portal if portal else False
    label = field.display_label
    if field.type == CustomField.Type.NUMBER:
        return forms.DecimalField(label=label, required=required)
    if field.type == CustomField.Type.DATE:
        return forms.DateField(label=label, required=required, widget=DayInput())
    if field.type == CustomField.Type.CHECKBOX:
        return forms.BooleanField(label=label, required=required)
    if field.type == CustomField.Type.SELECT:
        unset = ("", pgettext_lazy("custom field", "Not set"))
        return forms.ChoiceField(label=label, required=required, choices=[unset, *field.choice_options()])
    return forms.CharField(label=label, required=required, max_length=1000)


class CustomFieldsForm(forms.Form):
    """Typed inputs for the custom fields of tickets (or customers); prefix `cf_` keeps them apart from others."""

    def __init__(
        self, *args: Any, portal: bool = False, target: str = CustomField.Target.TICKET, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        defs = CustomField.objects.filter(target=target)
        if portal:
            defs = defs.filter(visible_in_portal=True)
        self.definitions = list(defs)
        for definition in self.definitions:
            self.fields[f"cf_{definition.key}"] = custom_field_formfield(definition, portal=portal)

    def values(self) -> dict[str, Any]:
        return custom_field_values(self.cleaned_data, self.definitions)


def custom_field_values(cleaned_data: dict[str, Any], definitions: list[CustomField]) -> dict[str, Any]:
    """The `cf_<key>` fields of a cleaned form as the values `fields.actions.clean_custom_fields` takes (every form
    that shows custom fields reads them with this)."""
    out: dict[str, Any] = {}
    for definition in definitions:
        value = cleaned_data.get(f"cf_{definition.key}")
        if value is None or value == "":
            out[definition.key] = None
        elif definition.type == CustomField.Type.DATE:
            out[definition.key] = value.isoformat()
        elif definition.type == CustomField.Type.NUMBER:
            out[definition.key] = str(value)
        else:
            out[definition.key] = value
    return out
