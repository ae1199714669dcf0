"""Budget pages (manage_budget): cost centres and budget versions made from a staffing plan, a version's months with
the funded-vs-required gap, its lines, variance and driver split against the actuals, the XLSX export and the
director's one-page summary; the actuals import with its per-row report."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability
from opsdesk.core.errors import ActionError
from opsdesk.core.forms import add_action_error
from opsdesk.core.http import AuthedRequest
from opsdesk.workforce import budget_report, budgeting
from opsdesk.workforce.actions import budgets
from opsdesk.workforce.forms import ActualForm, ActualsForm, BudgetForm, BudgetLineForm, CostCentreForm
from opsdesk.workforce.models import Budget, CostCentre

manage_budget = capability_required(Capability.MANAGE_BUDGET)
MAX_UPLOAD = 5 * 1024 * 1024


def _list_page(request: AuthedRequest, **forms: Any) -> HttpResponse:
    context = {
        "centres": list(CostCentre.objects.all()),
        "budgets": list(Budget.objects.select_related("cost_centre", "plan")[:50]),
        "centre_form": forms.get("centre_form") or CostCentreForm(prefix="centre"),
        "budget_form": forms.get("budget_form") or BudgetForm(prefix="budget"),
        "actuals_form": forms.get("actuals_form") or ActualsForm(prefix="actuals"),
        "actual_form": forms.get("actual_form") or ActualForm(prefix="actual"),
        "problems": forms.get("problems", []),
    }
    forms_shown = ("centre_form", "budget_form", "actuals_form", "actual_form")
    failed = any(context[name].errors for name in forms_shown)
    return render(request, "workforce/budgets.html", context, status=422 if failed or context["problems"] else 200)


@manage_budget
def budget_list(request: AuthedRequest) -> HttpResponse:
    if request.method != "POST":
        return _list_page(request)
    if "centre-name" in request.POST:
        form = CostCentreForm(request.POST, prefix="centre")
        if form.is_valid() and form.apply(budgets.create_cost_centre, actor=request.user) is not None:
            messages.success(request, _("Cost centre created."))
            return redirect("workforce:budget_list")
        return _list_page(request, centre_form=form)
    budget_form = BudgetForm(request.POST, prefix="budget")
    if budget_form.is_valid():
        try:
            budget = budgets.create_budget(actor=request.user, **budget_form.cleaned_data)
        except ActionError as error:
            add_action_error(budget_form, error)
        else:
            return redirect(budget.get_absolute_url())
    return _list_page(request, budget_form=budget_form)


@manage_budget
@require_POST
def actual_save(request: AuthedRequest) -> HttpResponse:
    form = ActualForm(request.POST, prefix="actual")
    if form.is_valid():
        try:
            budgets.save_actual(form.cleaned_data["cost_centre"], row=form.row(), actor=request.user)
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("workforce:budget_list")
    return _list_page(request, actual_form=form)


@manage_budget
@require_POST
def actuals_import(request: AuthedRequest) -> HttpResponse:
    form = ActualsForm(request.POST, request.FILES, prefix="actuals")
    problems: list[tuple[int, str]] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            form.add_error("file", _("Import a file of at most 5 MB."))
        else:
            try:
                problems = budgets.import_actuals(
                    form.cleaned_data["cost_centre"], content=upload.read(), filename=upload.name, actor=request.user
                )
            except ActionError as error:
                add_action_error(form, error)
            else:
                if not problems:
                    messages.success(request, _("Actuals imported."))
                    return redirect("workforce:budget_list")
    return _list_page(request, actuals_form=form, problems=problems)


def _budget(budget_id: int) -> Budget:
    return get_object_or_404(
        Budget.objects.select_related("cost_centre", "plan__forecast__queue", "created_by", "decided_by"), pk=budget_id
    )


def _detail(request: AuthedRequest, budget: Budget, line_form: BudgetLineForm | None = None) -> HttpResponse:
    found = budget_report.rows(budget)
    split_rows = [r for r in found if r.split is not None]
    labour = budgets.labour_of(budget)
    context = {
        "budget": budget,
        "rows": found,
        "lines": list(budget.lines.all()),
        "categories": budget_report.by_category(budget, found),
        "split_rows": split_rows,
        "drivers": budgeting.DRIVERS,
        "labour": labour,
        "line_form": line_form or BudgetLineForm(),
        "total": sum((r.budget_total for r in found), Decimal(0)),
        "flagged": sum(1 for r in found if r.figures["flagged"]),
    }
    return render(request, "workforce/budget_detail.html", context, status=422 if line_form is not None else 200)


@manage_budget
@require_GET
def budget_detail(request: AuthedRequest, budget_id: int) -> HttpResponse:
    return _detail(request, _budget(budget_id))


@manage_budget
@require_POST
def budget_line_add(request: AuthedRequest, budget_id: int) -> HttpResponse:
    budget = _budget(budget_id)
    form = BudgetLineForm(request.POST)
    if form.is_valid() and form.apply(budgets.add_line, budget, actor=request.user) is not None:
        messages.success(request, _("Line added."))
        return redirect(budget.get_absolute_url())
    return _detail(request, budget, line_form=form)


@manage_budget
@require_POST
def budget_advance(request: AuthedRequest, budget_id: int) -> HttpResponse:
    budget = _budget(budget_id)
    try:
        budgets.advance(budget, actor=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect(budget.get_absolute_url())


@manage_budget
@require_GET
def budget_xlsx(request: AuthedRequest, budget_id: int) -> HttpResponse:
    budget = _budget(budget_id)
    response = HttpResponse(
        budget_report.workbook(budget),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="budget-{budget.year}-v{budget.number}.xlsx"'
    return response


@manage_budget
@require_GET
def budget_summary(request: AuthedRequest, budget_id: int) -> HttpResponse:
    """One page for the director: the year's cost, headcount, the months flagged, variance so far and its drivers."""
    budget = _budget(budget_id)
    found = budget_report.rows(budget)
    effects = {
        name: sum((r.split[name] for r in found if r.split), Decimal(0)) for name in (*budgeting.DRIVERS, "total")
    }
    actual_months = [r for r in found if r.actual_total is not None]
    return render(
        request,
        "workforce/budget_summary.html",
        {
            "budget": budget,
            "rows": found,
            "total": sum((r.budget_total for r in found), Decimal(0)),
            "labour_total": sum((r.budget_labour for r in found), Decimal(0)),
            "peak_fte": max((Decimal(r.figures["funded_fte"]) for r in found), default=Decimal(0)),
            "hires": sum(r.figures["hires"] for r in found),
            "flagged": [r for r in found if r.figures["flagged"]],
            "actual_to_date": sum((r.actual_total or Decimal(0) for r in actual_months), Decimal(0)),
            "budget_to_date": sum((r.budget_total for r in actual_months), Decimal(0)),
            "effects": effects if any(r.split for r in found) else None,
            "drivers": budgeting.DRIVERS,
            "labour": budgets.labour_of(budget),
        },
    )
