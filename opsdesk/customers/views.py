"""CRM pages: customers and organizations, their history, merge and CSV import."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsdesk.accounts import actions as account_actions
from opsdesk.accounts.access import capability_required, staff_required
from opsdesk.accounts.capabilities import Capability, can, check
from opsdesk.core.errors import ActionError
from opsdesk.core.http import AuthedRequest
from opsdesk.core.params import int_param
from opsdesk.customers import actions
from opsdesk.customers.forms import CustomerForm, CustomerMergeForm, CustomerNoteForm, ImportForm, OrganizationForm
from opsdesk.customers.models import Customer, CustomerOrganization
from opsdesk.fields.forms import CustomFieldsForm
from opsdesk.fields.models import CustomField, custom_field_rows
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets.access import hidden_from
from opsdesk.tickets.models import Ticket

PAGE = 50


@staff_required
@require_GET
def customer_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    qs = Customer.objects.visible_to(request.user).active().select_related("organization")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(emails__address__icontains=q)).distinct()
    if (after := int_param(request.GET, "after", default=None)) is not None:
        qs = qs.filter(pk__lt=after)
    rows = list(qs.prefetch_related("emails").order_by("-pk")[: PAGE + 1])
    return render(
        request,
        "customers/customer_list.html",
        {"customers": rows[:PAGE], "q": q, "next_after": rows[PAGE - 1].pk if len(rows) > PAGE else None},
    )


@staff_required
@require_GET
def customer_detail(request: AuthedRequest, customer_id: int) -> HttpResponse:
    customer = get_object_or_404(
        Customer.objects.visible_to(request.user).select_related("organization", "user"), pk=customer_id
    )
    tickets = list(
        Ticket.objects.visible_to(request.user)
        .filter(requester=customer)
        .select_related("status", "assignee")
        .order_by("-updated_at")[:100]
    )
    hidden = hidden_from(request.user, Ticket.objects.filter(requester=customer))
    return render(
        request,
        "customers/customer_detail.html",
        {
            "customer": customer,
            "tickets": tickets,
            "hidden_tickets": hidden,
            "events": customer.events.select_related("actor")[:50],
            "note_form": CustomerNoteForm(),
            "merge_form": CustomerMergeForm(),
            "field_rows": custom_field_rows(
                customer.custom_fields, list(CustomField.objects.filter(target=CustomField.Target.CUSTOMER))
            ),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def customer_create(request: AuthedRequest) -> HttpResponse:
    check(request.user, Capability.EDIT_CUSTOMERS)
    form = CustomerForm(request.POST or None, organization_editable=can(request.user, Capability.MANAGE_ORGANIZATIONS))
    fields_form = CustomFieldsForm(request.POST or None, target=CustomField.Target.CUSTOMER)
    if request.method == "POST" and form.is_valid() and fields_form.is_valid():
        customer = form.apply(actions.create_customer, actor=request.user, custom_fields=fields_form.values())
        if customer:
            messages.success(request, _("Customer created."))
            return redirect("customers:customer_detail", customer.pk)
    return render(
        request,
        "customers/customer_form.html",
        {"form": form, "fields_form": fields_form, "title": _("New customer")},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def customer_edit(request: AuthedRequest, customer_id: int) -> HttpResponse:
    check(request.user, Capability.EDIT_CUSTOMERS)
    customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=customer_id)
    form = CustomerForm(
        request.POST or None,
        addresses_editable=can(request.user, Capability.EDIT_CUSTOMER_ADDRESSES),
        organization_editable=can(request.user, Capability.MANAGE_ORGANIZATIONS),
        initial={
            "name": customer.name,
            "emails": "\n".join(e.address for e in customer.emails.all()),
            "phones": "\n".join(p.number for p in customer.phones.all()),
            "organization": customer.organization_id,
            "language": customer.language,
            "time_zone": customer.time_zone,
            "notes": customer.notes,
        },
    )
    fields_form = CustomFieldsForm(
        request.POST or None,
        target=CustomField.Target.CUSTOMER,
        initial={f"cf_{key}": value for key, value in customer.custom_fields.items()},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and fields_form.is_valid()
        and form.apply(actions.update_customer, customer, actor=request.user, custom_fields=fields_form.values())
    ):
        messages.success(request, _("Customer saved."))
        return redirect("customers:customer_detail", customer.pk)
    return render(
        request,
        "customers/customer_form.html",
        {"form": form, "fields_form": fields_form, "title": customer.name, "customer": customer},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
@require_POST
def customer_note(request: AuthedRequest, customer_id: int) -> HttpResponse:
    customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=customer_id)
    form = CustomerNoteForm(request.POST)
    if form.is_valid() and form.apply(actions.add_customer_note, customer, actor=request.user):
        messages.success(request, _("Note added."))
    else:
        messages.error(request, _("Write a note first."))
    return redirect("customers:customer_detail", customer.pk)


@staff_required
@require_POST
def customer_merge(request: AuthedRequest, customer_id: int) -> HttpResponse:
    check(request.user, Capability.MERGE_CUSTOMERS)
    source = get_object_or_404(Customer.objects.visible_to(request.user), pk=customer_id)
    form = CustomerMergeForm(request.POST)
    if form.is_valid():
        target = Customer.objects.visible_to(request.user).filter(pk=form.cleaned_data["target"]).first()
        if target is None:
            messages.error(request, _("No such customer."))
        else:
            try:
                ticket_actions.merge_customers(source, target=target, actor=request.user)
            except ActionError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("%(a)s was merged into %(b)s.") % {"a": source.name, "b": target.name})
                return redirect("customers:customer_detail", target.pk)
    else:
        messages.error(request, _("Enter the number of the customer to merge into."))
    return redirect("customers:customer_detail", source.pk)


@staff_required
@require_POST
def customer_invite(request: AuthedRequest, customer_id: int) -> HttpResponse:
    """Give the customer a portal login and email them a sign-in link."""
    check(request.user, Capability.INVITE_CUSTOMERS)
    customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=customer_id)
    try:
        user = actions.create_portal_login(customer.pk, password=None, actor=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        account_actions.send_sign_in_link(user)
        messages.success(request, _("A portal sign-in link was sent to %(email)s.") % {"email": user.email})
    return redirect("customers:customer_detail", customer.pk)


@capability_required(Capability.IMPORT_CUSTOMERS)
@require_http_methods(["GET", "POST"])
def customer_import(request: AuthedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            form.add_error("file", _("The file is larger than 20 MB."))
        else:
            try:
                report = actions.import_customers_csv(upload.read(), actor=request.user)
            except ActionError as error:
                form.add_error("file", error.message)
    return render(request, "customers/customer_import.html", {"form": form, "report": report})


@staff_required
@require_GET
def organization_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    qs = CustomerOrganization.objects.visible_to(request.user)
    if q:
        qs = qs.filter(name__icontains=q)
    return render(request, "customers/organization_list.html", {"organizations": qs[:200], "q": q})


@staff_required
@require_GET
def organization_detail(request: AuthedRequest, organization_id: int) -> HttpResponse:
    org = get_object_or_404(CustomerOrganization.objects.visible_to(request.user), pk=organization_id)
    tickets = (
        Ticket.objects.visible_to(request.user)
        .filter(organization=org)
        .select_related("status", "requester")
        .order_by("-updated_at")[:50]
    )
    return render(
        request,
        "customers/organization_detail.html",
        {
            "organization": org,
            "members": org.customers.active().prefetch_related("emails")[:200],
            "tickets": tickets,
            "can_edit": can(request.user, Capability.MANAGE_ORGANIZATIONS),
        },
    )


@capability_required(Capability.MANAGE_ORGANIZATIONS)
@require_http_methods(["GET", "POST"])
def organization_create(request: AuthedRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = form.apply(actions.create_organization, actor=request.user)
        if org:
            return redirect("customers:organization_detail", org.pk)
    return render(
        request,
        "customers/organization_form.html",
        {"form": form, "title": _("New organization")},
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Capability.MANAGE_ORGANIZATIONS)
@require_http_methods(["GET", "POST"])
def organization_edit(request: AuthedRequest, organization_id: int) -> HttpResponse:
    org = get_object_or_404(CustomerOrganization, pk=organization_id)
    form = OrganizationForm(
        request.POST or None,
        initial={
            "name": org.name,
            "domains": ", ".join(org.domains),
            "shared_tickets": org.shared_tickets,
            "notes": org.notes,
        },
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and form.apply(actions.update_organization, org, actor=request.user)
    ):
        return redirect("customers:organization_detail", org.pk)
    return render(
        request,
        "customers/organization_form.html",
        {"form": form, "title": org.name},
        status=400 if request.method == "POST" else 200,
    )
