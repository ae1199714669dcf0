"""Survey settings (manage quality): the surveys with their figures, and the page that configures one in five
languages. The customer's answer page is quality/public_views.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability
from opsdesk.core.errors import ActionError
from opsdesk.core.forms import add_action_error, translated_initial
from opsdesk.core.http import AuthedRequest
from opsdesk.quality import actions
from opsdesk.quality.forms import SurveyForm
from opsdesk.quality.models import Survey, SurveyRequest

manage_quality = capability_required(Capability.MANAGE_QUALITY)


@manage_quality
@require_GET
def survey_list(request: AuthedRequest) -> HttpResponse:
    State = SurveyRequest.State
    surveys = Survey.objects.annotate(
        sent=Count("requests", filter=Q(requests__state=State.SENT)),
        answered=Count("requests", filter=Q(requests__state=State.SENT, requests__rating__isnull=False)),
        skipped=Count("requests", filter=Q(requests__state=State.SKIPPED)),
        waiting=Count("requests", filter=Q(requests__state=State.SCHEDULED)),
    ).order_by("name", "pk")
    return render(request, "quality/survey_list.html", {"surveys": surveys})


@manage_quality
@require_http_methods(["GET", "POST"])
def survey_edit(request: AuthedRequest, survey_id: int | None = None) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=survey_id) if survey_id else None
    initial: dict[str, Any] = {
        "scale": 5,
        "delay_minutes": 1440,
        "sample_every": 1,
        "is_active": True,
        "kind": Survey.Kind.CSAT,
    }
    if survey is not None:
        initial = {field: getattr(survey, field) for field in actions.SURVEY_FIELDS if field != "question_translations"}
        initial["excluded_tags"] = ", ".join(survey.excluded_tags)
        if survey.kind != Survey.Kind.CSAT:
            initial["scale"] = 5
        initial.update(translated_initial(survey, "question"))
    form = SurveyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_survey(survey, actor=request.user, **form.cleaned_data)
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("quality:survey_list") if survey is None else redirect(saved.get_settings_url())
    title = survey.name if survey else _("New survey")
    return render(
        request,
        "quality/survey_form.html",
        {"form": form, "survey": survey, "title": title},
        status=400 if request.method == "POST" else 200,
    )
