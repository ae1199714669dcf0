"""Automation pages: rules (list, form with a dry run, log), a ticket's automation log, and macros (list, form,
preview and apply on a ticket). Thin: parse with a form, fetch with an access check, call one action."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability, can
from opsdesk.automation import actions, engine, preview
from opsdesk.automation import steps as vocabulary
from opsdesk.automation.access import usable_macros
from opsdesk.automation.actions import macros as macro_actions
from opsdesk.automation.actions.rules import check
from opsdesk.automation.events import KINDS, why
from opsdesk.automation.forms import MacroForm, RuleForm
from opsdesk.automation.models import Macro, Rule, RuleRun
from opsdesk.core import params
from opsdesk.core.errors import ActionError
from opsdesk.core.http import AuthedRequest, redirect_after_post
from opsdesk.tickets import timeline
from opsdesk.tickets.access import get_ticket_for_user

manage_automation = capability_required(Capability.MANAGE_AUTOMATION)
edit_tickets = capability_required(Capability.EDIT_TICKETS)
LOG_PAGE = 50


def summary(rule: Rule, names: vocabulary.Names | None = None) -> dict[str, Any]:
    """What a rule does, in words, for the list and its page."""
    when = ", ".join(str(engine.triggers.TRIGGERS[n].label) for n in rule.events if n in engine.triggers.TRIGGERS)
    if rule.kind == Rule.Kind.TIME:
        when = why({"anchor": rule.anchor, "after_seconds": rule.after_seconds, "business_time": rule.business_time})
    return {"rule": rule, "when": when, "steps": [vocabulary.describe(s, names) for s in rule.actions]}


@manage_automation
@require_GET
def rule_list(request: AuthedRequest) -> HttpResponse:
    week_ago = timezone.now() - timedelta(days=7)
    rules = list(
        Rule.objects.annotate(last_run=Max("runs__at"), runs_week=Count("runs", filter=Q(runs__at__gte=week_ago)))
        .select_related("calendar")
        .order_by("kind", "position", "id")
    )
    names = vocabulary.Names()
    rows = [summary(r, names) | {"last_run": r.last_run, "runs_week": r.runs_week} for r in rules]
    sections = []
    for kind, label in Rule.Kind.choices:
        items = [row for row in rows if row["rule"].kind == kind]
        for n, row in enumerate(items):
            row["first"], row["last"] = n == 0, n == len(items) - 1
        sections.append({"kind": kind, "label": label, "rows": items})
    return render(request, "automation/rule_list.html", {"sections": sections})


def _rule_form(request: AuthedRequest, rule: Rule | None, kind: str) -> HttpResponse:
    form = RuleForm(request.POST or None, kind=kind, rule=rule)
    rows = None
    if request.method == "POST" and form.is_valid():
        data = form.rule_input()
        try:
            if "preview" in request.POST:
                columns = check(data, key=rule.key if rule else None)
                draft = Rule(pk=rule.pk if rule else None, version=rule.version if rule else 1, **columns)
                size = form.cleaned_data.get("preview_size") or preview.DEFAULT_LIMIT
                rows = preview.dry_run(engine.compile_rule(draft), now=timezone.now(), limit=size)
            else:
                saved = actions.save_rule(rule, data=data, actor=request.user)
                messages.success(request, _("Rule %(name)s saved.") % {"name": saved.name})
                return redirect("automation:rule_detail", saved.pk)
        except ActionError as error:
            form.show_error(error.field, str(error.message))
    status = 400 if request.method == "POST" and form.errors else 200
    context = {
        "form": form,
        "rule": rule,
        "kind": kind,
        "preview": rows,
        "matched": sum(1 for r in rows or [] if r.matched),
    }
    return render(request, "automation/rule_form.html", context, status=status)


@manage_automation
@require_http_methods(["GET", "POST"])
def rule_create(request: AuthedRequest, kind: str) -> HttpResponse:
    if kind not in Rule.Kind.values:
        raise params.InvalidParameter("kind", _("Choose a trigger or a time rule."))
    return _rule_form(request, None, kind)


@manage_automation
@require_http_methods(["GET", "POST"])
def rule_edit(request: AuthedRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(Rule, pk=rule_id)
    return _rule_form(request, rule, rule.kind)


@manage_automation
@require_GET
def rule_detail(request: AuthedRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(Rule.objects.select_related("calendar"), pk=rule_id)
    before = params.int_param(request.GET, "before", default=None)
    runs = rule.runs.select_related("ticket").order_by("-id")
    if before is not None:
        runs = runs.filter(pk__lt=before)
    page = list(runs[: LOG_PAGE + 1])
    more = page[LOG_PAGE].pk if len(page) > LOG_PAGE else None
    context = {
        **summary(rule),
        "runs": [_run_row(r) for r in page[:LOG_PAGE]],
        "next_before": page[LOG_PAGE - 1].pk if more else None,
    }
    return render(request, "automation/rule_detail.html", context)


def _run_row(run: RuleRun) -> dict[str, Any]:
    done = []
    for change in run.changes:
        kind = str(change.get("type", ""))
        text = str(vocabulary.TYPES[kind].label) if kind in vocabulary.TYPES else kind
        if "error" in change:
            done.append((text, _("refused: %(reason)s") % {"reason": change["error"]}, "error"))
        elif change.get("skipped"):
            done.append((text, _("no change needed"), "skipped"))
        elif "old" in change:
            done.append((text, f"{_value(change['old'])} → {_value(change['new'])}", "done"))
        else:
            done.append((text, _("done"), "done"))
    return {"run": run, "done": done}


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return "—" if value in (None, "") else str(value)


@manage_automation
@require_POST
def rule_move(request: AuthedRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(Rule, pk=rule_id)
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        messages.error(request, _("Choose up or down."))
    else:
        actions.move_rule(rule, up=direction == "up", actor=request.user)
    return redirect_after_post(request, reverse("automation:rule_list") + f"#rule-{rule.pk}")


@manage_automation
@require_POST
def rule_active(request: AuthedRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(Rule, pk=rule_id)
    active = request.POST.get("active", "")
    if active not in ("on", "off"):
        messages.error(request, _("Choose on or off."))
    else:
        actions.set_rule_active(rule, active=active == "on", actor=request.user)
    return redirect_after_post(request, reverse("automation:rule_list") + f"#rule-{rule.pk}")


@manage_automation
@require_POST
def rule_delete(request: AuthedRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(Rule, pk=rule_id)
    actions.delete_rule(rule, actor=request.user)
    messages.success(request, _("Rule %(name)s deleted.") % {"name": rule.name})
    return redirect_after_post(request, reverse("automation:rule_list"))


# --- a ticket's automation -------------------------------------------------------------------------------------------


@require_GET
def ticket_log(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    """What rules and macros did to a ticket: each firing, why, and each step's outcome; for staff who see it."""
    if not request.user.is_authenticated or not request.user.is_agent_side:
        raise PermissionDenied
    ticket = get_ticket_for_user(request.user, ticket_id)
    runs = list(RuleRun.objects.filter(ticket=ticket).select_related("rule").order_by("-at", "-id")[:200])
    caused = list(
        ticket.events.filter(Q(kind__in=KINDS) | Q(cause__startswith="rule:") | Q(cause__startswith="macro:"))
        .select_related("actor")
        .order_by("at", "id")[:1000]
    )
    by_cause: dict[int, list[Any]] = {}
    for event in caused:
        if event.cause_event:
            by_cause.setdefault(event.cause_event, []).append(event)
    names = timeline.names_for(caused)
    rows = {r.fired_event: _run_row(r) for r in runs if r.fired_event}
    firings = [
        {"event": e, "changes": by_cause.get(e.pk, []), "row": rows.get(e.pk)}
        for e in reversed(caused)
        if e.kind in KINDS
    ]
    cut = [_run_row(r) for r in runs if r.outcome == RuleRun.Outcome.CUT]
    context = {"ticket": ticket, "firings": firings, "names": names, "cut": cut}
    return render(request, "automation/ticket_log.html", context)


# --- macros ---------------------------------------------------------------------------------------------------------


@edit_tickets
@require_GET
def macro_list(request: AuthedRequest) -> HttpResponse:
    macros = list(usable_macros(request.user).select_related("owner", "team").order_by("name", "id"))
    if can(request.user, Capability.MANAGE_AUTOMATION):
        macros += list(
            Macro.objects.filter(owner__isnull=True, team__isnull=False).exclude(pk__in=[m.pk for m in macros])
        )
    names = vocabulary.Names()
    rows = [
        {
            "macro": m,
            "steps": [vocabulary.describe(s, names) for s in m.actions],
            "editable": macro_actions.may_edit(request.user, m, shared=m.owner_id is None),
        }
        for m in macros
    ]
    return render(request, "automation/macro_list.html", {"rows": rows})


def _macro_form(request: AuthedRequest, macro: Macro | None) -> HttpResponse:
    may_share = can(request.user, Capability.MANAGE_AUTOMATION)
    if macro is not None and not macro_actions.may_edit(request.user, macro, shared=macro.owner_id is None):
        raise PermissionDenied
    form = MacroForm(request.POST or None, may_share=may_share, macro=macro)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = actions.save_macro(
                macro,
                name=data["name"],
                description=data.get("description") or "",
                actions=form.step_rows.steps(),
                shared=bool(data.get("shared")),
                team=data.get("team"),
                actor=request.user,
            )
        except ActionError as error:
            form.show_error(error.field, str(error.message))
        else:
            messages.success(request, _("Macro %(name)s saved.") % {"name": saved.name})
            return redirect("automation:macro_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "automation/macro_form.html", {"form": form, "macro": macro}, status=status)


@edit_tickets
@require_http_methods(["GET", "POST"])
def macro_create(request: AuthedRequest) -> HttpResponse:
    return _macro_form(request, None)


@edit_tickets
@require_http_methods(["GET", "POST"])
def macro_edit(request: AuthedRequest, macro_id: int) -> HttpResponse:
    return _macro_form(request, get_object_or_404(Macro, pk=macro_id))


@edit_tickets
@require_POST
def macro_delete(request: AuthedRequest, macro_id: int) -> HttpResponse:
    macro = get_object_or_404(Macro, pk=macro_id)
    if not macro_actions.may_edit(request.user, macro, shared=macro.owner_id is None):
        raise PermissionDenied
    try:
        actions.delete_macro(macro, actor=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Macro %(name)s deleted.") % {"name": macro.name})
    return redirect_after_post(request, reverse("automation:macro_list"))


def _usable(request: AuthedRequest, macro_id: int | None) -> Macro:
    if macro_id is None:
        raise params.InvalidParameter("macro", _("Choose a macro."))
    found = usable_macros(request.user).filter(pk=macro_id).first()
    if found is None:
        raise params.InvalidParameter("macro", _("Choose a macro."))
    return found


@edit_tickets
@require_GET
def macro_preview(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    """What the chosen macro would do to this ticket (before the agent applies it)."""
    ticket = get_ticket_for_user(request.user, ticket_id, write=True)
    macro = _usable(request, params.int_param(request.GET, "macro", default=None, label=_("Macro")))
    ticket = preview.load(ticket.pk)
    names = vocabulary.Names()
    effects = [preview.effect(step, ticket, names) for step in vocabulary.parse(macro.actions, macro=True)]
    return render(
        request, "automation/partials/macro_preview.html", {"ticket": ticket, "macro": macro, "effects": effects}
    )


@edit_tickets
@require_POST
def macro_apply(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    ticket = get_ticket_for_user(request.user, ticket_id, write=True)
    macro = _usable(request, params.int_param(request.POST, "macro", default=None, label=_("Macro")))
    try:
        changes = actions.apply_macro(macro, ticket, actor=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        refused = [c for c in changes if "error" in c]
        if refused:
            messages.warning(
                request,
                _("Macro %(name)s applied, but not all of it: %(reasons)s")
                % {"name": macro.name, "reasons": "; ".join(c["error"] for c in refused)},
            )
        else:
            messages.success(request, _("Macro %(name)s applied.") % {"name": macro.name})
    return redirect_after_post(request, ticket.get_absolute_url())
