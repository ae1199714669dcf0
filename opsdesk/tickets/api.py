"""Tickets in the REST API: thin handlers over the same access checks and actions the pages use."""

from __future__ import annotations

import json
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Query, Router, Status
from ninja.files import UploadedFile

from opsdesk.accounts.models import Role, User
from opsdesk.core.errors import ActionError
from opsdesk.core.idempotency import content_key, run_once
from opsdesk.core.params import MAX_INT, InvalidParameter
from opsdesk.core.schemas import ERRORS
from opsdesk.fields.models import CustomField
from opsdesk.people.models import Team
from opsdesk.tickets import actions, categories, filters, inbox, search
from opsdesk.tickets.access import (
    can_reply_as_customer,
    file_response,
    get_attachment_for_user,
    get_ticket_for_user,
)
from opsdesk.tickets.models import Attachment, Message, SavedView, Tag, Ticket, TicketEvent, TicketLink, TicketStatus
from opsdesk.tickets.querysets import visibility_branches
from opsdesk.tickets.schemas import (
    AttachmentOut,
    CommentIn,
    CustomFieldOut,
    EventOut,
    LinkIn,
    LinkOut,
    MergeIn,
    MessageOut,
    ReplyIn,
    SavedViewOut,
    SearchPage,
    StatusIn,
    StatusOut,
    TagOut,
    TicketCreateIn,
    TicketOut,
    TicketPage,
    TicketUpdateIn,
)

router = Router(tags=["tickets"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _is_customer(request: HttpRequest) -> bool:
    """Customers reach only the operations `api_auth.CUSTOMER_OPERATIONS` lists, and see them as in the portal."""
    return _user(request).role == Role.CUSTOMER


def _filter(request: HttpRequest) -> filters.TicketFilter:
    """The query string's ticket filter (docs/filters.md); customers filter only by what the portal shows them."""
    return filters.Parser(customer=_is_customer(request)).query(request.GET)


FILTER_DOCS = {"parameters": filters.openapi_parameters()}


@router.get(
    "/search",
    response={200: SearchPage, **ERRORS},
    summary="Search tickets (full text, ranked)",
    openapi_extra=FILTER_DOCS,
)
def ticket_search(
    request: HttpRequest,
    q: str = Query(
        ..., min_length=1, max_length=500, description='Words (all must match), "a phrase", word*, #number.'
    ),
    sort: Literal["relevance", "newest"] = Query(
        "relevance", description="`relevance`: best match among the newest 1,000; `newest`: every match."
    ),
    page: int = Query(1, ge=1, le=search.WINDOW // search.PAGE_SIZE, description="`sort=relevance`: page number."),
    before: int | None = Query(
        None, ge=1, le=MAX_INT, description="`sort=newest`: the `next_before` of the last page."
    ),
) -> dict[str, Any]:
    scope = filters.compile_scope(_filter(request), _user(request))
    qs = Ticket.objects.visible_to(_user(request)).filter(scope.q)
    if _is_customer(request):
        qs = qs.live()
    if scope.categories is not None:
        qs = qs.filter(status_category__in=scope.categories)
    results = search.search(qs, q, public_only=_is_customer(request), sort=sort, page=page, before=before)
    prefetch_related_objects([hit.ticket for hit in results.hits], "tags")
    return {
        "items": [
            {"ticket": hit.ticket, "subject_html": hit.subject, "snippet_html": hit.snippet} for hit in results.hits
        ],
        "next_page": results.next_page,
        "next_before": results.next_before,
        "window_full": results.window_full,
    }


@router.get("", response={200: TicketPage, **ERRORS}, summary="List tickets (keyset pages)", openapi_extra=FILTER_DOCS)
def ticket_list(
    request: HttpRequest,
    order: Literal["-updated", "updated", "-created", "created"] = "-updated",
    cursor: str | None = Query(None, description="The `next_cursor` of the previous page."),
    limit: int = Query(50, ge=1, le=100),
) -> dict[str, Any]:
    flt = _filter(request)
    if flt.text:
        raise InvalidParameter("q", _("The list does not search words: use GET /api/v1/tickets/search."))
    scope = filters.compile_scope(flt, _user(request))
    qs = Ticket.objects.filter(scope.q)  # scoped by `branches` below: visible_to's union, read branch by branch
    if _is_customer(request):
        qs = qs.live()  # as in the portal: merged tickets live on in the ticket they were merged into
    wanted = scope.categories
    branches = visibility_branches(_user(request))
    if branches and wanted is None and _user(request).is_agent_side:
        # An agent's branches are read on the (assignee | team, status_category, updated_at) indexes: split by
        # category too, or "team = 3 ORDER BY updated_at" sorts every ticket the team ever had.
        wanted = categories.ALL
    page = inbox.page(qs, sort=order, cursor=cursor, size=limit, categories=wanted, branches=branches)
    prefetch_related_objects(page.tickets, "tags")
    return {"items": page.tickets, "next_cursor": page.next_cursor}


@router.get("/{ticket_id}", response={200: TicketOut, **ERRORS}, summary="One ticket")
def ticket_detail(request: HttpRequest, ticket_id: int) -> Ticket:
    return get_ticket_for_user(_user(request), ticket_id)


def _optional(model: Any, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ActionError("unknown_" + field, _("No such %(field)s.") % {"field": field}, field=field, status=422)
    return found


@router.post(
    "", response={201: TicketOut, **ERRORS}, summary="Create a ticket (send an Idempotency-Key to retry safely)"
)
def ticket_create(
    request: HttpRequest, payload: TicketCreateIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
) -> HttpResponse:
    """Staff open a ticket for a requester (found or created by email); a customer opens one as themselves, as in
    the portal. The rules for both are the intake's (tickets.actions.intake.create_ticket)."""
    user = _user(request)
    customer = _is_customer(request)

    def create() -> tuple[int, Any]:
        ticket = actions.create_ticket(
            subject=payload.subject,
            body=payload.body,
            requester_email=payload.requester_email,
            requester_name=payload.requester_name,
            actor=user,
            channel=Ticket.Channel.API,
            via="api",
            public=payload.public,
            team=_optional(Team, payload.team_id, "team_id"),
            assignee=_optional(User, payload.assignee_id, "assignee_id"),
            priority=payload.priority,
            type=payload.type,
            language=payload.language or (user.language if customer else None),
            tags=payload.tags,
            custom_fields=payload.custom_fields,
        )
        context = {"request": request} if customer else None
        return 201, json.loads(TicketOut.from_orm(ticket, context=context).model_dump_json())

    return _created(request, idempotency_key, create)


def _created(request: HttpRequest, idempotency_key: str | None, create: Any) -> HttpResponse:
    if idempotency_key:
        status, body = run_once(_user(request).pk, idempotency_key, "POST /tickets/", create)
    else:  # without a key, the same body within seconds is the same request (a double send)
        status, body = run_once(_user(request).pk, content_key(request.path, request.body), "POST /tickets/", create)
    if status == 409:
        raise ActionError(
            "idempotency_key_reused",
            _("This Idempotency-Key was used for another request."),
            field="Idempotency-Key",
        )
    return HttpResponse(json.dumps(body), status=status, content_type="application/json; charset=utf-8")


@router.post("/{ticket_id}/reply", response={201: MessageOut, **ERRORS}, summary="Public reply to the requester")
def ticket_reply(request: HttpRequest, ticket_id: int, payload: ReplyIn) -> Status[Message]:
    if _is_customer(request):  # the requester's reply, as in the portal
        ticket = get_ticket_for_user(_user(request), ticket_id)
        if not can_reply_as_customer(_user(request), ticket) or payload.status_id is not None:
            raise PermissionDenied
        customer = _user(request).customer
        message = actions.add_customer_reply(
            ticket,
            body=payload.body,
            is_html=payload.is_html,
            customer=customer,
            actor=_user(request),
            via="api",
            submission=_double_send_key(request),
        )
        return Status(201, message)
    ticket = get_ticket_for_user(_user(request), ticket_id, write=True)
    status = _optional(TicketStatus, payload.status_id, "status_id")
    message = actions.reply_to_ticket(
        ticket,
        body=payload.body,
        is_html=payload.is_html,
        actor=_user(request),
        via="api",
        status=status,
        submission=_double_send_key(request),
    )
    return Status(201, message)


def _double_send_key(request: HttpRequest) -> str:
    """The same body to the same address within seconds is one message (a retried or doubled request)."""
    return content_key(request.path, request.body)


@router.post("/{ticket_id}/note", response={201: MessageOut, **ERRORS}, summary="Internal note")
def ticket_note(request: HttpRequest, ticket_id: int, payload: CommentIn) -> Status[Message]:
    ticket = get_ticket_for_user(_user(request), ticket_id)
    note = actions.add_note(
        ticket,
        body=payload.body,
        is_html=payload.is_html,
        actor=_user(request),
        via="api",
        submission=_double_send_key(request),
    )
    return Status(201, note)


@router.post("/{ticket_id}/status", response={200: TicketOut, **ERRORS}, summary="Change the status")
def ticket_set_status(request: HttpRequest, ticket_id: int, payload: StatusIn) -> Ticket:
    ticket = get_ticket_for_user(_user(request), ticket_id, write=True)
    status = _optional(TicketStatus, payload.status_id, "status_id")
    return actions.change_status(ticket, status=status, actor=_user(request))


@router.get(
    "/{ticket_id}/messages", response={200: list[MessageOut], **ERRORS}, summary="The conversation, oldest first"
)
def ticket_messages(request: HttpRequest, ticket_id: int) -> list[Message]:
    ticket = get_ticket_for_user(_user(request), ticket_id)
    messages = ticket.messages.order_by("created_at", "id").prefetch_related("attachments")
    if _is_customer(request):
        messages = messages.filter(visibility=Message.Visibility.PUBLIC)  # never an internal note
    return list(messages)


@router.post(
    "/{ticket_id}/messages",
    response={201: MessageOut, **ERRORS},
    summary="Reply or note with files (multipart/form-data)",
)
def ticket_message_with_files(
    request: HttpRequest,
    ticket_id: int,
    body: str = Form(..., max_length=200_000),
    visibility: Literal["public", "internal"] = Form(
        "public", description="`public`: a reply the requester sees; `internal`: a note for staff."
    ),
    status_id: int | None = Form(None, description="With a public reply: set this status too."),
    files: list[UploadedFile] = File(default=[], description="Up to the size and type limits of the UI."),  # noqa: B008
) -> Status[Message]:
    """The same reply (public) or internal note the ticket page sends, with attachments: each file is checked for
    size and type as in the UI, and nothing is stored unless every file passes."""
    user = _user(request)
    if _is_customer(request):
        ticket = get_ticket_for_user(user, ticket_id)
        if visibility != "public" or status_id is not None or not can_reply_as_customer(user, ticket):
            raise PermissionDenied
        customer = user.customer
        return Status(
            201, actions.add_customer_reply(ticket, body=body, customer=customer, actor=user, attachments=files)
        )
    if visibility == "public":
        ticket = get_ticket_for_user(user, ticket_id, write=True)
        status = _optional(TicketStatus, status_id, "status_id")
        message = actions.reply_to_ticket(ticket, body=body, actor=user, via="api", status=status, attachments=files)
    else:
        ticket = get_ticket_for_user(user, ticket_id)
        message = actions.add_note(ticket, body=body, actor=user, via="api", attachments=files)
    return Status(201, message)


@router.get("/{ticket_id}/events", response={200: list[EventOut], **ERRORS}, summary="The timeline, oldest first")
def ticket_events(request: HttpRequest, ticket_id: int) -> list[TicketEvent]:
    ticket = get_ticket_for_user(_user(request), ticket_id)
    return list(ticket.events.order_by("at", "id"))


def _other(request: HttpRequest, pk: int, field: str) -> Ticket:
    try:
        return get_ticket_for_user(_user(request), pk, write=True)
    except (Http404, PermissionDenied):
        raise ActionError(
            "unknown_ticket", _("No ticket #%(n)s that you can change.") % {"n": pk}, field=field, status=422
        ) from None


@router.post("/{ticket_id}/merge", response={200: TicketOut, **ERRORS}, summary="Merge this ticket into another")
def ticket_merge(request: HttpRequest, ticket_id: int, payload: MergeIn) -> Ticket:
    ticket = get_ticket_for_user(_user(request), ticket_id, write=True)
    return actions.merge_tickets(ticket, target=_other(request, payload.target_id, "target_id"), actor=_user(request))


@router.post("/{ticket_id}/links", response={201: LinkOut, **ERRORS}, summary="Link two tickets")
def ticket_link(request: HttpRequest, ticket_id: int, payload: LinkIn) -> Status[TicketLink]:
    ticket = get_ticket_for_user(_user(request), ticket_id, write=True)
    other = _other(request, payload.other_id, "other_id")
    return Status(201, actions.link_tickets(ticket, other=other, actor=_user(request)))


attachments_router = Router(tags=["attachments"])


@attachments_router.get("/{attachment_id}", response={200: AttachmentOut, **ERRORS}, summary="One attachment's details")
def attachment_detail(request: HttpRequest, attachment_id: int) -> Attachment:
    return get_attachment_for_user(_user(request), attachment_id)


@attachments_router.get(
    "/{attachment_id}/download",
    response={**ERRORS},
    url_name="attachment_download",
    summary="The file itself",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, with its own content type.",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    return file_response(get_attachment_for_user(_user(request), attachment_id))


meta_router = Router(tags=["configuration"])


@meta_router.get("/tags/", response={200: list[TagOut], **ERRORS}, summary="Tags in use")
def tag_list(request: HttpRequest) -> list[Tag]:
    return list(Tag.objects.order_by("name")[:5000])


@meta_router.get("/custom-fields/", response={200: list[CustomFieldOut], **ERRORS}, summary="Custom fields")
def custom_field_list(request: HttpRequest) -> list[CustomField]:
    return list(CustomField.objects.all())


@meta_router.get("/statuses/", response={200: list[StatusOut], **ERRORS}, summary="Ticket statuses")
def status_list(request: HttpRequest) -> list[TicketStatus]:
    return list(TicketStatus.objects.all())


@meta_router.get("/saved-views/", response={200: list[SavedViewOut], **ERRORS}, summary="Your and shared views")
def saved_view_list(request: HttpRequest) -> list[SavedView]:
    return list(SavedView.objects.filter(Q(owner=_user(request)) | Q(owner__isnull=True)))


@router.patch("/{ticket_id}", response={200: TicketOut, **ERRORS}, summary="Change ticket fields")
def ticket_update(request: HttpRequest, ticket_id: int, payload: TicketUpdateIn) -> Ticket:
    user = _user(request)
    ticket = get_ticket_for_user(user, ticket_id, write=True)
    sent = payload.model_dump(exclude_unset=True)
    assignee = ticket.assignee
    if payload.unassign:
        assignee = None
    elif "assignee_id" in sent and payload.assignee_id is not None:
        assignee = _optional(User, payload.assignee_id, "assignee_id")
    return actions.update_properties(
        ticket,
        status=_optional(TicketStatus, payload.status_id, "status_id") if payload.status_id else ticket.status,
        assignee=assignee,
        team=_optional(Team, payload.team_id, "team_id") if "team_id" in sent else ticket.team,
        priority=payload.priority if payload.priority is not None else ticket.priority,
        type=payload.type if payload.type is not None else ticket.type,
        tags=payload.tags if payload.tags is not None else [t.name for t in ticket.tags.all()],
        custom_fields=payload.custom_fields,
        actor=user,
    )
