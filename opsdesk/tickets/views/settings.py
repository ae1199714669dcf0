"""Administrator pages for ticket configuration: statuses, custom fields, canned responses, and the list of
settings that miss a language (translatable settings, ADR 0012)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability
from opsdesk.core import translations
from opsdesk.core.errors import ActionError
from opsdesk.core.forms import add_action_error, translated_initial
from opsdesk.core.http import AuthedRequest
from opsdesk.fields.models import CustomField
from opsdesk.tickets import configuration
from opsdesk.tickets.forms import CannedResponseForm, CustomFieldConfigForm, StatusConfigForm
from opsdesk.tickets.models import CannedResponse, TicketStatus


def _save(request: AuthedRequest, form: forms.Form, action: Any, obj: Any, context: dict[str, Any]) -> HttpResponse:
    """Validate, call the action, turn an ActionError into a field error; re-render the form with 400 on failure,
    back to where the administrator came from (the settings page, or the untranslated entries) on success."""
    back = request.POST.get("next") or request.GET.get("next", "")
    if back != "untranslated":
        back = ""
    if request.method == "POST" and form.is_valid():
        try:
            action(obj, actor=request.user, **form.cleaned_data)
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("ticket_settings:untranslated_list" if back else "ticket_settings:settings_index")
    return render(
        request,
        "tickets/settings/config_form.html",
        {**context, "form": form, "next": back, "missing": _missing_names(obj)},
        status=400 if request.method == "POST" else 200,
    )


def _missing_names(obj: Any) -> list[str]:
    if obj is None:
        return []
    return [translations.language_name(code) for code in obj.missing_languages()]


@capability_required(Capability.MANAGE_SETTINGS)
@require_GET
def settings_index(request: AuthedRequest) -> HttpResponse:
    canned = translations.sort_translated(CannedResponse.objects.select_related("team"), lambda c: c.display_title)
    return render(
        request,
        "tickets/settings/settings_index.html",
        {
            "statuses": TicketStatus.objects.all(),
            "fields": CustomField.objects.all(),
            "canned": canned,
            "untranslated_count": sum(len(rows) for _title, rows in _untranslated()),
        },
    )


def _untranslated() -> list[tuple[str, list[dict[str, Any]]]]:
    """Every translatable setting that misses a language, grouped by kind: (kind, rows), kinds in the reader's
    language and alphabetical order."""
    groups = []
    kinds = translations.sort_translated(translations.translatable_models(), lambda m: m._meta.verbose_name_plural)
    for model in kinds:
        rows = []
        for obj in model._default_manager.all():
            missing = obj.missing_languages()
            if missing:
                rows.append(
                    {
                        "object": obj,
                        "text": str(obj),
                        "url": obj.get_settings_url(),
                        "missing": [translations.language_name(code) for code in missing],
                    }
                )
        if rows:
            groups.append((capfirst(str(model._meta.verbose_name_plural)), rows))
    return groups


@capability_required(Capability.MANAGE_SETTINGS)
@require_GET
def untranslated_list(request: AuthedRequest) -> HttpResponse:
    """Every setting customers or agents read that lacks one of the five languages, with a link to fill it in."""
    return render(
        request,
        "tickets/settings/untranslated_list.html",
        {
            "groups": _untranslated(),
            "default_language_name": translations.language_name(translations.default_language()),
        },
    )


@capability_required(Capability.MANAGE_SETTINGS)
@require_http_methods(["GET", "POST"])
def status_edit(request: AuthedRequest, status_id: int | None = None) -> HttpResponse:
    status = get_object_or_404(TicketStatus, pk=status_id) if status_id else None
    initial = {f: getattr(status, f) for f in configuration.STATUS_FIELDS} if status else {}
    initial.update(translated_initial(status, "name"))
    form = StatusConfigForm(request.POST or None, initial=initial)
    return _save(
        request,
        form,
        configuration.save_status,
        status,
        {"title": status.display_name if status else _("New status")},
    )


@capability_required(Capability.MANAGE_SETTINGS)
@require_http_methods(["GET", "POST"])
def custom_field_edit(request: AuthedRequest, field_id: int | None = None) -> HttpResponse:
    field = get_object_or_404(CustomField, pk=field_id) if field_id else None
    initial: dict[str, Any] = {}
    if field is not None:
        initial = {f: getattr(field, f) for f in configuration.FIELD_FIELDS}
        initial.update(translated_initial(field, "label"))
        initial["choices"] = "\n".join(field.choices)
    form = CustomFieldConfigForm(request.POST or None, initial=initial, field=field)
    return _save(
        request,
        form,
        configuration.save_custom_field,
        field,
        {"title": field.display_label if field else _("New field")},
    )


@capability_required(Capability.MANAGE_SETTINGS)
@require_http_methods(["GET", "POST"])
def canned_response_edit(request: AuthedRequest, response_id: int | None = None) -> HttpResponse:
    response = get_object_or_404(CannedResponse, pk=response_id) if response_id else None
    initial: dict[str, Any] = {}
    if response is not None:
        initial = {**translated_initial(response, "title", "body"), "team": response.team_id}
    form = CannedResponseForm(request.POST or None, initial=initial)
    return _save(
        request,
        form,
        configuration.save_canned_response,
        response,
        {"title": response.display_title if response else _("New canned response"), "deletable": response},
    )


@capability_required(Capability.MANAGE_SETTINGS)
@require_POST
def canned_response_delete(request: AuthedRequest, response_id: int) -> HttpResponse:
    configuration.delete_canned_response(get_object_or_404(CannedResponse, pk=response_id), actor=request.user)
    messages.success(request, _("Deleted."))
    return redirect("ticket_settings:settings_index")
