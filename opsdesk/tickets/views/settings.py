"""Administrator pages for ticket configuration: statuses, custom fields and canned responses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsdesk.accounts.access import admin_required
from opsdesk.core.errors import ActionError
from opsdesk.core.http import AuthedRequest
from opsdesk.tickets import configuration
from opsdesk.tickets.forms import CannedResponseForm, CustomFieldConfigForm, StatusConfigForm
from opsdesk.tickets.models import CannedResponse, CustomField, TicketStatus


def _save(request: AuthedRequest, form: forms.Form, action: Any, obj: Any, context: dict[str, Any]) -> HttpResponse:
    """Validate, call the action, turn an ActionError into a field error; re-render the form with 400 on failure,
    back to the settings page on success."""
    if request.method == "POST" and form.is_valid():
        try:
            action(obj, actor=request.user, **form.cleaned_data)
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("ticket_settings:settings_index")
    return render(
        request,
        "tickets/settings/config_form.html",
        {**context, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@admin_required
@require_GET
def settings_index(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "tickets/settings/settings_index.html",
        {
            "statuses": TicketStatus.objects.all(),
            "fields": CustomField.objects.all(),
            "canned": CannedResponse.objects.select_related("team"),
        },
    )


@admin_required
@require_http_methods(["GET", "POST"])
def status_edit(request: AuthedRequest, status_id: int | None = None) -> HttpResponse:
    status = get_object_or_404(TicketStatus, pk=status_id) if status_id else None
    initial = {f: getattr(status, f) for f in configuration.STATUS_FIELDS} if status else {}
    form = StatusConfigForm(request.POST or None, initial=initial)
    return _save(
        request,
        form,
        configuration.save_status,
        status,
        {"title": status.name if status else _("New status")},
    )


@admin_required
@require_http_methods(["GET", "POST"])
def custom_field_edit(request: AuthedRequest, field_id: int | None = None) -> HttpResponse:
    field = get_object_or_404(CustomField, pk=field_id) if field_id else None
    initial: dict[str, Any] = {}
    if field is not None:
        initial = {f: getattr(field, f) for f in configuration.FIELD_FIELDS}
        initial["choices"] = "\n".join(field.choices)
    form = CustomFieldConfigForm(request.POST or None, initial=initial)
    return _save(
        request,
        form,
        configuration.save_custom_field,
        field,
        {"title": field.label if field else _("New field")},
    )


@admin_required
@require_http_methods(["GET", "POST"])
def canned_response_edit(request: AuthedRequest, response_id: int | None = None) -> HttpResponse:
    response = get_object_or_404(CannedResponse, pk=response_id) if response_id else None
    initial: dict[str, Any] = {}
    if response is not None:
        initial = {
            "title": response.title,
            "body": response.body,
            "language": response.language,
            "team": response.team_id,
        }
    form = CannedResponseForm(request.POST or None, initial=initial)
    return _save(
        request,
        form,
        configuration.save_canned_response,
        response,
        {"title": response.title if response else _("New canned response"), "deletable": response},
    )


@admin_required
@require_POST
def canned_response_delete(request: AuthedRequest, response_id: int) -> HttpResponse:
    configuration.delete_canned_response(get_object_or_404(CannedResponse, pk=response_id), actor=request.user)
    messages.success(request, _("Deleted."))
    return redirect("ticket_settings:settings_index")
