"""SLA settings (manage SLA): business calendars (the list, a calendar's hours, holidays and exceptions, and the check
tool that shows when a number of business minutes after a moment is reached, span by span), and SLA policies in the
order they are tried, with their targets and escalations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability
from opsdesk.core.errors import ActionError
from opsdesk.core.forms import add_action_error
from opsdesk.core.http import AuthedRequest, is_htmx, redirect_after_post, render_page_or_partial
from opsdesk.customers.models import CustomerOrganization
from opsdesk.people.models import Team
from opsdesk.sla import actions
from opsdesk.sla.actions import policies as policy_actions
from opsdesk.sla.business_time import NoOpenTime, format_windows, local_to_utc
from opsdesk.sla.durations import format_duration
from opsdesk.sla.forms import (
    GRID_METRICS,
    OPTIONAL_METRICS,
    CalendarForm,
    CheckForm,
    EscalationForm,
    ExceptionForm,
    FeedForm,
    HolidayForm,
    HolidayGenerateForm,
    HolidayImportForm,
    PolicyForm,
    conditions_from_json,
)
from opsdesk.sla.models import (
    METRICS,
    PRIORITIES,
    WEEKDAYS,
    BusinessCalendar,
    CalendarException,
    CalendarHoliday,
    Escalation,
    SlaPolicy,
)
from opsdesk.sla.schedules import schedule_for
from opsdesk.tickets.models import Ticket

manage_sla = capability_required(Capability.MANAGE_SLA)
HOLIDAYS_SHOWN = 200
SPANS_SHOWN = 20


@manage_sla
@require_GET
def calendar_list(request: AuthedRequest) -> HttpResponse:
    calendars = list(BusinessCalendar.objects.prefetch_related("windows"))
    rows = []
    for calendar in calendars:
        week: list[list[tuple[int, int]]] = [[] for _ in range(7)]
        for window in sorted(calendar.windows.all(), key=lambda w: w.start_minute):
            if window.weekday is not None:
                week[window.weekday].append((window.start_minute, window.end_minute))
        days = [(label, format_windows(week[number])) for number, label in WEEKDAYS if week[number]]
        rows.append({"calendar": calendar, "days": days})
    return render(request, "sla/calendar_list.html", {"rows": rows})


def _calendar_form(request: AuthedRequest, calendar: BusinessCalendar | None) -> HttpResponse:
    form = CalendarForm(request.POST or None, calendar=calendar)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_calendar(calendar, actor=request.user, **form.action_kwargs())
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Calendar %(name)s saved.") % {"name": saved.name})
            return redirect("sla:calendar_detail", saved.pk)
    return render(
        request,
        "sla/calendar_form.html",
        {"form": form, "calendar": calendar},
        status=400 if request.method == "POST" else 200,
    )


@manage_sla
@require_http_methods(["GET", "POST"])
def calendar_create(request: AuthedRequest) -> HttpResponse:
    return _calendar_form(request, None)


@manage_sla
@require_http_methods(["GET", "POST"])
def calendar_edit(request: AuthedRequest, calendar_id: int) -> HttpResponse:
    return _calendar_form(request, get_object_or_404(BusinessCalendar, pk=calendar_id))


def _detail(
    request: AuthedRequest, calendar: BusinessCalendar, status: int = 200, **forms_given: forms.Form
) -> HttpResponse:
    this_year = date(date.today().year, 1, 1)  # noqa: DTZ011 (which holidays to list first)
    holidays = calendar.holidays.filter(day__gte=this_year)
    week: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for window in calendar.windows.filter(weekday__isnull=False).order_by("start_minute"):
        week[window.weekday or 0].append((window.start_minute, window.end_minute))
    exceptions = []
    for exception in calendar.exceptions.prefetch_related("windows"):
        spans = sorted((w.start_minute, w.end_minute) for w in exception.windows.all())
        exceptions.append({"exception": exception, "hours": format_windows(spans)})
    context: dict[str, Any] = {
        "calendar": calendar,
        "week": [(label, format_windows(week[number])) for number, label in WEEKDAYS],
        "holidays": list(holidays[:HOLIDAYS_SHOWN]),
        "holidays_more": max(0, holidays.count() - HOLIDAYS_SHOWN),
        "holidays_past": calendar.holidays.filter(day__lt=this_year).count(),
        "exceptions": exceptions,
        "holiday_form": forms_given.get("holiday_form") or HolidayForm(),
        "import_form": forms_given.get("import_form") or HolidayImportForm(),
        "generate_form": forms_given.get("generate_form")
        or HolidayGenerateForm(initial={"country": "FI", "year": date.today().year + 1}),  # noqa: DTZ011
        "exception_form": forms_given.get("exception_form") or ExceptionForm(),
        "feed_form": forms_given.get("feed_form") or FeedForm(initial={"url": calendar.ical_url}),
        "check_form": forms_given.get("check_form") or CheckForm(initial={"minutes": 120}),
    }
    return render(request, "sla/calendar_detail.html", context, status=status)


@manage_sla
@require_GET
def calendar_detail(request: AuthedRequest, calendar_id: int) -> HttpResponse:
    return _detail(request, get_object_or_404(BusinessCalendar, pk=calendar_id))


@manage_sla
@require_POST
def calendar_set_default(request: AuthedRequest, calendar_id: int) -> HttpResponse:
    calendar = get_object_or_404(BusinessCalendar, pk=calendar_id)
    actions.set_default_calendar(calendar, actor=request.user)
    messages.success(request, _("%(name)s is now the default calendar.") % {"name": calendar.name})
    return redirect_after_post(request, reverse("sla:calendar_detail", args=[calendar.pk]))


def _saved_or_detail(
    request: AuthedRequest, calendar: BusinessCalendar, form: forms.Form, key: str, action: Any, **kwargs: Any
) -> tuple[Any, HttpResponse | None]:
    """Validate, call the action with the cleaned fields; on a refusal the detail page again, with the form's errors."""
    if form.is_valid():
        try:
            return action(calendar, actor=request.user, **form.cleaned_data, **kwargs), None
        except ActionError as error:
            add_action_error(form, error)
    return None, _detail(request, calendar, status=400, **{key: form})


@manage_sla
@require_POST
def holiday_add(request: AuthedRequest, calendar_id: int) -> HttpResponse:
    calendar = get_object_or_404(BusinessCalendar, pk=calendar_id)
    holiday, page = _saved_or_detail(request, calendar, HolidayForm(request.POST), "holiday_form", actions.add_holiday)
    if page is not None:
        return page
    messages.success(request, _("Holiday %(name)s added.") % {"name": holiday.name})
    return redirect_after_post(request, reverse("sla:calendar_detail", args=[calendar.pk]) + "#holidays")


@manage_sla
@require_POST
def holiday_delete(request: AuthedRequest, calendar_id: int, holiday_id: int) -> HttpResponse:
    holiday = get_object_or_404(CalendarHoliday, pk=holiday_id, calendar_id=calendar_id)
    actions.delete_holiday(holiday, actor=request.user)
    messages.success(request, _("Holiday %(name)s deleted.") % {"name": holiday.name})
    return redirect_after_post(request, reverse("sla:calendar_detail", args=[calendar_id]) + "#holidays")


def _added_message(added: int, skipped: int) -> str:
    return _("Holidays added: %(added)d. Already there: %(skipped)d.") % {"added": added, "skipped": skipped}


@manage_sla
@require_POST
def holiday_import(request: AuthedRequest, calendar_id: int) -> HttpResponse:
    calendar = get_object_or_404(BusinessCalendar, pk=calendar_id)
    form = HolidayImportForm(request.POST, request.FILES)
    if form.is_valid():
        filename = str(getattr(request.FILES.get("file"), "name", "") or "")
        try:
            added, skipped = actions.import_holidays(
                calendar, content=form.cleaned_data["file"], filename=filename, actor=request.user
            )
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _added_message(added, skipped))
            return redirect_after_post(request, reverse("sla:calendar_detail", args=[calendar.pk]) + "#holidays")
    return _detail(request, calendar, status=400, import_form=form)


@manage_sla
@require_POST
def holiday_feed(request: AuthedRequest, calendar_id: int) -> HttpResponse:
    calendar = get_object_or_404(BusinessCalendar, pk=calendar_id)
    saved, page = _saved_or_detail(request, calendar, FeedForm(request.POST), "feed_form", actions.set_feed)
    if page is not None:
        return page
    text = _("Holiday feed saved; it is read now and every day.") if saved.ical_url else _("Holiday feed removed.")
    messages.success(request, text)
    return redirect_after_post(request, reverse("sla:calendar_detail", args=[calendar.pk]) + "#holidays")


@manage_sla
@require_POST
def holiday_generate(request: AuthedRequest, calendar_id: int) -> HttpResponse:
    calendar = get_object_or_404(BusinessCalendar, pk=calendar_id)
    form = HolidayGenerateForm(request.POST)
    result, page = _saved_or_detail(
        request, calendar, form, "generate_form", actions.generate_holidays, language=get_language() or ""
    )
    if page is not None:
        return page
    messages.success(request, _added_message(*result))
    return redirect_after_post(request, reverse("sla:calendar_detail", args=[calendar.pk]) + "#holidays")


@manage_sla
@require_POST
def exception_save(request: AuthedRequest, calendar_id: int) -> HttpResponse:
    calendar = get_object_or_404(BusinessCalendar, pk=calendar_id)
    form = ExceptionForm(request.POST)
    _saved, page = _saved_or_detail(request, calendar, form, "exception_form", actions.save_exception)
    if page is not None:
        return page
    messages.success(request, _("Hours for %(day)s saved.") % {"day": form.cleaned_data["day"].isoformat()})
    return redirect_after_post(request, reverse("sla:calendar_detail", args=[calendar.pk]) + "#exceptions")


@manage_sla
@require_POST
def exception_delete(request: AuthedRequest, calendar_id: int, exception_id: int) -> HttpResponse:
    exception = get_object_or_404(CalendarException, pk=exception_id, calendar_id=calendar_id)
    actions.delete_exception(exception, actor=request.user)
    messages.success(request, _("Hours for %(day)s deleted.") % {"day": exception.day.isoformat()})
    return redirect_after_post(request, reverse("sla:calendar_detail", args=[calendar_id]) + "#exceptions")


@manage_sla
@require_GET
def calendar_check(request: AuthedRequest, calendar_id: int) -> HttpResponse:
    """When would `minutes` business minutes after `start` (the calendar's local time) be reached, and which open
    spans make them up."""
    calendar = get_object_or_404(BusinessCalendar, pk=calendar_id)
    form = CheckForm(request.GET)
    context: dict[str, Any] = {"calendar": calendar, "check_form": form}
    status = 200
    if form.is_valid():
        schedule = schedule_for(calendar)
        naive: datetime = form.cleaned_data["start"]
        start = local_to_utc(schedule.tz, naive)
        try:
            due = schedule.add_business_seconds(start, form.cleaned_data["minutes"] * 60)
        except NoOpenTime:
            form.add_error(None, _("The calendar has no open hours ahead of this moment."))
            status = 400
        else:
            spans = schedule.open_intervals(start, due)
            context.update(
                {
                    "start": start,
                    "due": due,
                    "moved": start.astimezone(schedule.tz).replace(tzinfo=None) != naive,
                    "spans": [(a, b, int((b - a).total_seconds()) // 60) for a, b in spans[:SPANS_SHOWN]],
                    "spans_more": max(0, len(spans) - SPANS_SHOWN),
                }
            )
    else:
        status = 400
    if is_htmx(request):
        status = 200  # htmx swaps only 2xx answers: the errors are in the fragment
    return render_page_or_partial(
        request, "sla/calendar_check.html", "sla/partials/calendar_check_result.html", context, status=status
    )


# --- SLA policies ----------------------------------------------------------------------------------------------------


def _ordered_policies() -> list[SlaPolicy]:
    """In the order they are tried: by position, the default last."""
    return list(
        SlaPolicy.objects.select_related("calendar")
        .prefetch_related("targets")
        .annotate(escalation_count=Count("escalations"))
        .order_by("is_default", "position", "id")
    )


def _names(policies: list[SlaPolicy]) -> dict[str, dict[Any, str]]:
    """The labels the condition summaries need, read once for every policy on the page."""
    shown = [conditions_from_json(p.conditions) or {} for p in policies]
    team_ids = {v for s in shown for v in s.get("team", [])}
    organization_ids = {v for s in shown for v in s.get("organization", [])}
    return {
        "priority": {k: str(v) for k, v in PRIORITIES},
        "channel": {k: str(v) for k, v in Ticket.Channel.choices},
        "type": {k: str(v) for k, v in Ticket.Type.choices},
        "team": {t.pk: str(t) for t in Team.objects.filter(pk__in=team_ids)} if team_ids else {},
        "organization": (
            dict(CustomerOrganization.objects.filter(pk__in=organization_ids).values_list("pk", "name"))
            if organization_ids
            else {}
        ),
    }


CONDITION_LABELS = {
    "priority": gettext_lazy("Priority"),
    "team": gettext_lazy("Team"),
    "channel": gettext_lazy("Channel"),
    "type": gettext_lazy("Type"),
    "organization": gettext_lazy("Organization"),
    "tags": gettext_lazy("Tags"),
}


def condition_summary(policy: SlaPolicy, names: dict[str, dict[Any, str]]) -> list[tuple[str, str]]:
    """(label, values) per condition, for the list; conditions written through the API are named as such."""
    shown = conditions_from_json(policy.conditions)
    if shown is None:
        return [(_("Conditions"), _("set through the API"))]
    return [
        (str(CONDITION_LABELS[name]), ", ".join(names.get(name, {}).get(v, str(v)) for v in values))
        for name, values in shown.items()
    ]


def target_summary(policy: SlaPolicy) -> list[dict[str, Any]]:
    """Per priority with targets: its label and its targets in the grid's order, e.g. "First reply 1h"."""
    order = {metric: n for n, metric in enumerate((*GRID_METRICS, *OPTIONAL_METRICS))}
    metrics = dict(METRICS)
    rows = []
    for priority, label in reversed(PRIORITIES):  # urgent first: what people look for
        targets = sorted((t for t in policy.targets.all() if t.priority == priority), key=lambda t: order[t.metric])
        if targets:
            rows.append(
                {
                    "label": label,
                    "targets": [
                        {
                            "metric": metrics[t.metric],
                            "time": format_duration(t.seconds),
                            "business_hours": t.business_hours,
                        }
                        for t in targets
                    ],
                }
            )
    return rows


@manage_sla
@require_GET
def policy_list(request: AuthedRequest) -> HttpResponse:
    policies = _ordered_policies()
    names = _names(policies)
    movable = [p for p in policies if not p.is_default]
    rows = [
        {
            "policy": policy,
            "conditions": condition_summary(policy, names),
            "targets": target_summary(policy),
            "first": bool(movable) and policy == movable[0],
            "last": bool(movable) and policy == movable[-1],
        }
        for policy in policies
    ]
    default_calendar = BusinessCalendar.objects.filter(is_default=True).first()
    return render(request, "sla/policy_list.html", {"rows": rows, "default_calendar": default_calendar})


def _policy_page(
    request: AuthedRequest,
    policy: SlaPolicy | None,
    form: PolicyForm,
    *,
    escalation_form: EscalationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {"policy": policy, "form": form}
    if policy is not None:
        escalations = list(policy.escalations.select_related("move_to_team"))
        context["escalations"] = [{"escalation": e, "summary": escalation_summary(e)} for e in escalations]
        context["escalation_form"] = escalation_form or EscalationForm(
            initial={"level": min(9, max((e.level for e in escalations), default=0) + 1)}
        )
    return render(request, "sla/policy_form.html", context, status=status)


def _policy_form(request: AuthedRequest, policy: SlaPolicy | None) -> HttpResponse:
    form = PolicyForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            saved = policy_actions.save_policy(policy, actor=request.user, **form.action_kwargs())
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Policy %(name)s saved.") % {"name": saved.name})
            if policy is None:
                return redirect("sla:policy_detail", saved.pk)  # where its escalations are added
            return redirect("sla:policy_list")
    return _policy_page(request, policy, form, status=400 if request.method == "POST" else 200)


@manage_sla
@require_http_methods(["GET", "POST"])
def policy_create(request: AuthedRequest) -> HttpResponse:
    return _policy_form(request, None)


@manage_sla
@require_http_methods(["GET", "POST"])
def policy_detail(request: AuthedRequest, policy_id: int) -> HttpResponse:
    return _policy_form(request, get_object_or_404(SlaPolicy, pk=policy_id))


@manage_sla
@require_POST
def policy_delete(request: AuthedRequest, policy_id: int) -> HttpResponse:
    policy = get_object_or_404(SlaPolicy, pk=policy_id)
    try:
        policy_actions.delete_policy(policy, actor=request.user)
    except ActionError as error:
        messages.error(request, error.message)
        return redirect_after_post(request, reverse("sla:policy_detail", args=[policy.pk]))
    messages.success(request, _("Policy %(name)s deleted.") % {"name": policy.name})
    return redirect_after_post(request, reverse("sla:policy_list"))


@manage_sla
@require_POST
def policy_move(request: AuthedRequest, policy_id: int) -> HttpResponse:
    policy = get_object_or_404(SlaPolicy, pk=policy_id)
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        messages.error(request, _("Choose up or down."))
    else:
        try:
            policy_actions.move_policy(policy, up=direction == "up", actor=request.user)
        except ActionError as error:
            messages.error(request, error.message)
    return redirect_after_post(request, reverse("sla:policy_list") + f"#policy-{policy.pk}")


# --- escalations -----------------------------------------------------------------------------------------------------


def escalation_summary(escalation: Escalation) -> list[str]:
    """What the escalation does, one short phrase each."""
    notify = dict(Escalation.Notify.choices)
    done = []
    if escalation.notify:
        people = ", ".join(str(notify.get(n, n)) for n in escalation.notify)
        done.append(_("Notify: %(people)s") % {"people": people})
        if escalation.by_email:
            done.append(_("also by email"))
    if escalation.raise_priority:
        done.append(_("raise the priority"))
    if escalation.move_to_team is not None:
        done.append(_("move to %(team)s") % {"team": escalation.move_to_team})
    if escalation.add_tag:
        done.append(_("add the tag %(tag)s") % {"tag": escalation.add_tag})
    return done


@manage_sla
@require_POST
def escalation_create(request: AuthedRequest, policy_id: int) -> HttpResponse:
    policy = get_object_or_404(SlaPolicy, pk=policy_id)
    form = EscalationForm(request.POST)
    if form.is_valid() and form.apply(policy_actions.save_escalation, policy, None, actor=request.user):
        messages.success(request, _("Escalation added."))
        return redirect_after_post(request, reverse("sla:policy_detail", args=[policy.pk]) + "#escalations")
    return _policy_page(request, policy, PolicyForm(policy=policy), escalation_form=form, status=400)


@manage_sla
@require_http_methods(["GET", "POST"])
def escalation_edit(request: AuthedRequest, policy_id: int, escalation_id: int) -> HttpResponse:
    escalation = get_object_or_404(Escalation.objects.select_related("policy"), pk=escalation_id, policy_id=policy_id)
    form = EscalationForm(request.POST or None, escalation=escalation)
    saved = request.method == "POST" and form.is_valid()
    if saved and form.apply(policy_actions.save_escalation, escalation.policy, escalation, actor=request.user):
        messages.success(request, _("Escalation saved."))
        return redirect("sla:policy_detail", policy_id)
    return render(
        request,
        "sla/escalation_form.html",
        {"form": form, "escalation": escalation, "policy": escalation.policy},
        status=400 if request.method == "POST" else 200,
    )


@manage_sla
@require_POST
def escalation_delete(request: AuthedRequest, policy_id: int, escalation_id: int) -> HttpResponse:
    escalation = get_object_or_404(Escalation, pk=escalation_id, policy_id=policy_id)
    policy_actions.delete_escalation(escalation, actor=request.user)
    messages.success(request, _("Escalation deleted."))
    return redirect_after_post(request, reverse("sla:policy_detail", args=[policy_id]) + "#escalations")
