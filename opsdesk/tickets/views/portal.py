"""The customer portal (own and shared-organization tickets) and the public contact form."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsdesk.accounts.access import customer_required
from opsdesk.core import ratelimit
from opsdesk.core.errors import ActionError
from opsdesk.core.http import AuthedRequest, is_htmx
from opsdesk.core.params import int_param
from opsdesk.fields.forms import CustomFieldsForm
from opsdesk.fields.models import CustomField, custom_field_rows
from opsdesk.tickets import actions, search
from opsdesk.tickets.access import can_reply_as_customer, file_response, get_attachment_for_user, get_ticket_for_user
from opsdesk.tickets.forms import ContactForm, CustomerReplyForm, PortalTicketForm
from opsdesk.tickets.models import Ticket
from opsdesk.tickets.querysets import visibility_branches

PORTAL_PAGE = 25


def _customer(request: AuthedRequest):  # type: ignore[no-untyped-def]
    return request.user.customer


@customer_required
@require_GET
def ticket_list(request: AuthedRequest) -> HttpResponse:
    from opsdesk.tickets import inbox

    qs = Ticket.objects.visible_to(request.user).live()
    text = request.GET.get("q", "").strip()[: search.MAX_QUERY_CHARS]
    if text:
        page = int_param(request.GET, "page", default=1, maximum=search.WINDOW // search.PAGE_SIZE)
        results = search.search(qs, text, public_only=True, page=page)
        next_page = f"?{urlencode({'q': text, 'page': str(results.next_page)})}" if results.next_page else None
        context = {"q": text, "results": results, "next_page": next_page}
        if is_htmx(request) and page > 1:  # "More results" appends the next page to the list
            return render(request, "portal/partials/search_hits.html", context)
        return render(request, "portal/ticket_list.html", context)
    qs = Ticket.objects.live().select_related("status", "requester")  # scoped by `branches`, as visible_to is
    branches = visibility_branches(request.user)
    result = inbox.page(qs, sort="-updated", cursor=request.GET.get("cursor"), size=PORTAL_PAGE, branches=branches)
    customer = _customer(request)
    organization = customer.organization if customer.organization_id else None
    return render(
        request,
        "portal/ticket_list.html",
        {
            "tickets": result.tickets,
            "next_cursor": result.next_cursor,
            # why colleagues' requests are listed (tickets.querysets.customer_branches)
            "shared_organization": organization if organization and organization.shared_tickets else None,
        },
    )


@customer_required
@require_http_methods(["GET", "POST"])
def ticket_create(request: AuthedRequest) -> HttpResponse:
    form = PortalTicketForm(request.POST or None, request.FILES or None)
    fields_form = CustomFieldsForm(request.POST or None, portal=True)
    if request.method == "POST" and form.is_valid() and fields_form.is_valid():
        data = form.cleaned_data
        try:
            ticket = actions.create_ticket(
                subject=data["subject"],
                body=data["body"],
                requester=_customer(request),
                actor=request.user,
                channel=Ticket.Channel.PORTAL,
                language=request.user.language,
                custom_fields=fields_form.values(),
                attachments=data["attachments"],
                submission=data["submission"],
            )
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Thank you. We received your request #%(n)s.") % {"n": ticket.pk})
            return redirect(ticket.get_portal_url())
    return render(
        request,
        "portal/ticket_create.html",
        {"form": form, "fields_form": fields_form},
        status=400 if request.method == "POST" else 200,
    )


def _portal_detail(request: AuthedRequest, ticket: Ticket, form: CustomerReplyForm, status: int = 200) -> HttpResponse:
    public = list(
        ticket.messages.filter(visibility="public")
        .select_related("author_user", "author_customer")
        .prefetch_related("attachments")
    )
    # The fields shown in the portal, labelled in the customer's language (ADR 0012).
    shown = list(CustomField.objects.filter(target=CustomField.Target.TICKET, visible_in_portal=True))
    values = {d.key: ticket.custom_fields[d.key] for d in shown if ticket.custom_fields.get(d.key) not in (None, "")}
    return render(
        request,
        "portal/ticket_detail.html",
        {
            "ticket": ticket,
            "messages_list": public,
            "field_rows": custom_field_rows(values, shown),
            "form": form,
            "can_reply": can_reply_as_customer(request.user, ticket),
            **_survey_context(ticket, _customer(request)),
        },
        status=status,
    )


def _survey_context(ticket: Ticket, customer: Any) -> dict[str, Any]:
    """The survey about this request still waiting for the customer's answer, asked here as in its mail."""
    from opsdesk.quality import actions as surveys

    waiting = surveys.awaiting_answer(ticket, customer)
    if waiting is None:
        return {}
    return {
        "survey": waiting.survey,
        "survey_answers": surveys.answer_links(waiting),
        "survey_labels": surveys.scale_labels(waiting.survey),
        "survey_faces": surveys.faces(waiting.survey),
    }


@customer_required
@require_POST
def ticket_solve(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    ticket = get_ticket_for_user(request.user, ticket_id)
    try:
        actions.solve_as_customer(ticket, actor=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Marked as solved. If you need anything more, write here and we reopen it."))
    return redirect(ticket.get_portal_url())


@customer_required
@require_GET
def ticket_detail(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    ticket = get_ticket_for_user(request.user, ticket_id)
    return _portal_detail(request, ticket, CustomerReplyForm())


@customer_required
@require_POST
def ticket_reply(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    ticket = get_ticket_for_user(request.user, ticket_id)
    form = CustomerReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            message = actions.add_customer_reply(
                ticket,
                body=form.cleaned_data["body"],
                customer=_customer(request),
                actor=request.user,
                attachments=form.cleaned_data["attachments"],
                submission=form.cleaned_data["submission"],
            )
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if message.ticket_id != ticket.pk and message.ticket.followup_of_id is not None:
                messages.success(request, _("This request was closed, so we opened a new one for your message."))
            elif message.ticket_id != ticket.pk:
                messages.success(
                    request,
                    _("Your reply was added to request #%(n)s, which this one was joined with.")
                    % {"n": message.ticket_id},
                )
            else:
                messages.success(request, _("Your reply was sent."))
            return redirect("portal:ticket_detail", message.ticket_id)
    return _portal_detail(request, ticket, form, status=400)


@customer_required
@require_GET
def attachment_download(request: AuthedRequest, attachment_id: int) -> FileResponse:
    return file_response(get_attachment_for_user(request.user, attachment_id))


# The intake names the requester's fields as the API does; the contact form calls them name and email.
CONTACT_FIELDS = {"requester_email": "email", "requester_name": "name"}


def _refuse_contact(request: HttpRequest) -> HttpResponse:
    """Over the per-IP limit: the empty form and the reason, without reading the posted body (or its files)."""
    form = ContactForm()
    form.cleaned_data = {}
    form.add_error(None, _("Too many messages from your address. Please try again in a few minutes."))
    return render(request, "portal/contact.html", {"form": form, "promise": _promise()})


@ratelimit.guard(
    "contact",
    limit=lambda: int(settings.OPSDESK_CONTACT_RATE_LIMIT),
    window_seconds=600,
    counts_every_request=True,
    refuse=_refuse_contact,
)
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    """The public contact form: rate-limited per IP (before the body is read, by core.security's middleware), with
    a honeypot field; it opens a ticket for the sender."""
    form = ContactForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            if data["website"]:
                # A bot filled in the hidden field: answer as if it worked, store nothing.
                return redirect("contact_thanks")
            language = get_language() or "en"
            try:
                actions.create_ticket(
                    subject=data["subject"],
                    body=data["body"],
                    requester_email=data["email"],
                    requester_name=data["name"],
                    actor=None,
                    channel=Ticket.Channel.WEB,
                    language=language,
                    attachments=data["attachments"],
                    submission=data["submission"],
                )
            except ActionError as error:
                field = CONTACT_FIELDS.get(error.field or "", error.field)
                form.add_error(field if field in form.fields else None, error.message)
            else:
                return redirect("contact_thanks")
    return render(request, "portal/contact.html", {"form": form, "promise": _promise()}, status=status)


def _promise() -> str:
    """When we aim to answer a message from the form, from the SLA policy a new web-form ticket would get."""
    from opsdesk.sla import policies
    from opsdesk.sla.durations import spoken_duration

    target = policies.promise_for_new(Ticket.Channel.WEB, get_language() or "en")
    if target is None:
        return ""
    if target.business_hours:
        return _("We aim to answer within %(time)s, counted in business hours.") % {
            "time": spoken_duration(target.seconds)
        }
    return _("We aim to answer within %(time)s.") % {"time": spoken_duration(target.seconds)}


@require_GET
def contact_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/contact_thanks.html")
