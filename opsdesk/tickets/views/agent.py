"""The agent workspace: inbox, ticket page, composer and every ticket change (thin views over actions)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsdesk.accounts.access import staff_required
from opsdesk.accounts.capabilities import Capability as C
from opsdesk.accounts.capabilities import can, check, roles_with
from opsdesk.accounts.models import User
from opsdesk.core import languages
from opsdesk.core.errors import ActionError
from opsdesk.core.forms import ActionForm
from opsdesk.core.http import AuthedRequest, is_htmx, redirect_after_post, render_page_or_partial
from opsdesk.core.models import OutgoingMail
from opsdesk.core.params import int_param, parse_choice, parse_int
from opsdesk.core.translations import sort_translated
from opsdesk.fields.forms import CustomFieldsForm
from opsdesk.fields.models import custom_field_rows
from opsdesk.people.models import Team
from opsdesk.tickets import actions, conversation, filters, history, inbox, placeholders, search, timeline
from opsdesk.tickets.access import (
    can_add_note,
    can_edit,
    file_response,
    get_attachment_for_user,
    get_ticket_for_user,
    hidden_from,
)
from opsdesk.tickets.categories import Category
from opsdesk.tickets.forms import (
    AssignForm,
    LinkForm,
    MergeForm,
    NewTicketForm,
    NoteForm,
    PriorityForm,
    PropertiesForm,
    ReplyForm,
    SavedViewForm,
    StatusForm,
    TagsForm,
    TeamForm,
    TypeForm,
    choosable_statuses,
)
from opsdesk.tickets.models import CannedResponse, Message, SavedView, Ticket, TicketLink, TicketStatus

BULK_LIMIT = 200  # tickets changed by one bulk request
PROPERTIES = "properties"  # the ticket page's properties panel


@staff_required
@require_GET
def ticket_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    view = inbox.current_view(user, request.GET.get("view", ""))
    asked = filters.from_query(request.GET)
    # A saved view's own filters show in the filter boxes (and its words are searched); the request's replace them.
    flt, current_saved = inbox.view_filter(user, view=view, request_filter=asked)
    saved_views = list(SavedView.objects.filter(Q(owner=user) | Q(owner__isnull=True)))
    shown = (inbox.stored_filter(current_saved).replaced_by(asked) if current_saved else asked).shown_values()
    text = flt.text
    searching = bool(text)  # words, a phrase or a number: full-text search, a typed ticket number first
    sorts = inbox.SEARCH_SORT_LABELS if searching else inbox.SORT_LABELS
    sort = request.GET.get("sort", "") or (current_saved.sort if current_saved else inbox.DEFAULT_SORTS.get(view, ""))
    if sort not in sorts:
        sort = next(iter(sorts))
    qs, scope = inbox.view_queryset(user, flt, view=view)
    base_params = {"view": view, "sort": sort, **_filter_params(request.GET)}
    results: search.Results | None = None
    if searching:
        if scope.categories is not None:
            qs = qs.filter(status_category__in=scope.categories)
        results = search.search(
            qs,
            text,
            public_only=False,
            sort=sort,
            page=int_param(request.GET, "page", default=1, maximum=search.WINDOW // search.PAGE_SIZE),
            before=int_param(request.GET, "before", default=None),
        )
        tickets = [hit.ticket for hit in results.hits]
        more: dict[str, Any] = {"page": results.next_page} if results.next_page else {"before": results.next_before}
        next_url = (
            reverse("tickets:ticket_list") + "?" + urlencode({**base_params, **more}, doseq=True)
            if results.next_page or results.next_before
            else None
        )
    else:
        # No join on the status table: with it, SQLite may start from the seven statuses and sort every ticket.
        qs = qs.select_related("requester", "assignee", "team")
        result = inbox.page(qs, sort=sort, cursor=request.GET.get("cursor"), categories=scope.categories)
        tickets = result.tickets
        next_url = (
            reverse("tickets:ticket_list") + "?" + urlencode({**base_params, "cursor": result.next_cursor}, doseq=True)
            if result.next_cursor
            else None
        )
    statuses = list(TicketStatus.objects.all())
    statuses_by_pk = {status.pk: status for status in statuses}
    for ticket in tickets:
        ticket.status = statuses_by_pk[ticket.status_id]
    context = {
        "tickets": tickets,
        "results": results,
        "next_url": next_url,
        "view": view,
        "current_saved": current_saved,
        "view_label": current_saved.name if current_saved else inbox.BUILTIN_VIEWS.get(view, ""),
        "sort": sort,
        "filters": shown,
        "shown_labels": _choice_labels(shown),  # several values in one box: "Normal, High"
        "filter_json": flt.to_param(),  # what "Save view" and "all matching" send back
        "more_filters": any(key != "q" for key in shown),  # a search alone keeps the other filters folded on phones
        "builtin_views": inbox.BUILTIN_VIEWS,
        "saved_views": saved_views,
        "sorts": sorts,
        "results_window": search.WINDOW,
        "query_string": urlencode(base_params, doseq=True),
        "teams": sort_translated(Team.objects.all(), lambda team: team.display_name),
        "statuses": [s for s in statuses if s.is_active and s.category != Category.NEW],
        "categories": TicketStatus.Category.choices,
        "priorities": Ticket.Priority.choices,
        "channels": Ticket.Channel.choices,
        "detected_languages": list(languages.choices().items()),
        "agents": User.objects.filter(is_active=True, role__in=roles_with(C.BE_ASSIGNED)).order_by("name"),
        "is_first_page": not request.GET.get("cursor"),
        "can_bulk": can(user, C.BULK_UPDATE),
        # "all matching" sends the filter alone, and a view's due-time limit is no filter: ticked rows only there
        "can_bulk_all": view != "at_risk",
        "only_counting": not searching and sort in inbox.NON_NULL_SORTS,
        "can_share_views": can(user, C.SHARE_VIEWS),
        "bulk_limit": BULK_LIMIT,
    }
    if is_htmx(request) and results is not None and (request.GET.get("page") or request.GET.get("before")):
        return render(request, "tickets/partials/search_hits.html", context)
    if is_htmx(request) and request.GET.get("cursor"):
        return render(request, "tickets/partials/ticket_rows.html", context)
    return render_page_or_partial(request, "tickets/ticket_list.html", "tickets/partials/ticket_table.html", context)


def _choice_labels(shown: dict[str, str]) -> dict[str, str]:
    choices: dict[str, dict[str, Any]] = {
        "status_category": dict(TicketStatus.Category.choices),
        "priority": dict(Ticket.Priority.choices),
        "channel": dict(Ticket.Channel.choices),
        "detected_language": languages.choices(),
    }
    return {
        field: ", ".join(str(labels.get(value, value)) for value in shown[field].split(","))
        for field, labels in choices.items()
        if field in shown
    }


def _filter_params(query: QueryDict) -> dict[str, list[str]]:
    """The request's filter parameters, for the links to the next page and the live refresh."""
    skipped = {"view", "sort", "cursor", "page", "before"}
    return {key: query.getlist(key) for key in query if key not in skipped and any(query.getlist(key))}


@staff_required
@require_GET
def ticket_counts(request: AuthedRequest) -> HttpResponse:
    views = list(inbox.BUILTIN_VIEWS)
    counts = inbox.cached_counts(request.user, views)
    return render(request, "tickets/partials/view_counts.html", {"counts": counts})


@staff_required
@require_POST
def ticket_bulk(request: AuthedRequest) -> HttpResponse:
    """Change the ticked tickets, or with `all_matching` the first BULK_LIMIT tickets the page's filter finds."""
    user = request.user
    check(user, C.BULK_UPDATE)
    matching = 0
    if request.POST.get("all_matching"):
        flt = filters.Parser().json_text(request.POST.get("filter", "") or "{}")
        found = inbox.matching(user, flt, limit=BULK_LIMIT + 1)
        matching, candidates = len(found), found[:BULK_LIMIT]
    else:
        ids = [parse_int(i, field="ticket", label=_("Ticket")) for i in request.POST.getlist("ticket")[:BULK_LIMIT]]
        candidates = list(Ticket.objects.visible_to(user).filter(pk__in=ids))
    tickets = [t for t in candidates if can_edit(user, t)]
    kwargs: dict[str, Any] = {}
    assignee = request.POST.get("assignee", "")
    if assignee == "none":
        kwargs["assignee"] = None
    elif assignee:
        kwargs["assignee"] = get_object_or_404(
            User,
            pk=parse_int(assignee, field="assignee", label=_("Assign to")),
            role__in=roles_with(C.BE_ASSIGNED),
        )
    if status := request.POST.get("status", ""):
        kwargs["status"] = get_object_or_404(TicketStatus, pk=parse_int(status, field="status", label=_("Status")))
    if tags := request.POST.get("tags", "").strip():
        kwargs["add_tags"] = tags.split(",")
    if priority := request.POST.get("priority", ""):
        kwargs["priority"] = parse_choice(
            priority, dict(Ticket.Priority.choices), field="priority", label=_("Priority")
        )
    team = request.POST.get("team", "")
    if team == "none":
        kwargs["team"] = None
    elif team:
        kwargs["team"] = get_object_or_404(Team, pk=parse_int(team, field="team", label=_("Team")))
    if not tickets or not kwargs:
        messages.error(request, _("Select tickets and a change to apply."))
    else:
        changed, refused = actions.bulk_update(tickets, actor=user, **kwargs)
        messages.success(request, ngettext("%(n)d ticket updated.", "%(n)d tickets updated.", changed) % {"n": changed})
        if matching > BULK_LIMIT:
            messages.info(
                request,
                _("More than %(n)d tickets match: the %(n)d most recently updated were changed.") % {"n": BULK_LIMIT},
            )
        for number, reason in refused[:5]:
            messages.error(request, _("Ticket #%(n)s: %(reason)s") % {"n": number, "reason": reason})
    back = request.POST.get("back", "")
    return redirect_after_post(request, back if back.startswith("/tickets/") else reverse("tickets:ticket_list"))


@staff_required
@require_POST
def saved_view_create(request: AuthedRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    flt = filters.from_query(request.POST)  # the page's `filter` JSON, or filter fields (checked: a 400 if bad)
    if form.is_valid():
        shared = form.cleaned_data["shared"] and can(request.user, C.SHARE_VIEWS)
        saved = actions.save_view(
            name=form.cleaned_data["name"],
            filters=flt.to_json(),
            sort=parse_choice(request.POST.get("sort") or "-updated", inbox.SORTS, field="sort", label=_("Sort")),
            shared=shared,
            actor=request.user,
        )
        return redirect_after_post(request, reverse("tickets:ticket_list") + f"?view=saved-{saved.pk}")
    messages.error(request, _("Give the view a name."))
    return redirect_after_post(request, reverse("tickets:ticket_list"))


@staff_required
@require_POST
def saved_view_delete(request: AuthedRequest, view_id: int) -> HttpResponse:
    saved = get_object_or_404(SavedView, pk=view_id)
    if saved.owner_id != request.user.pk and not can(request.user, C.MANAGE_SHARED_VIEWS):
        raise PermissionDenied
    actions.delete_view(saved, actor=request.user)
    return redirect_after_post(request, reverse("tickets:ticket_list"))


@staff_required
@require_http_methods(["GET", "POST"])
def ticket_create(request: AuthedRequest) -> HttpResponse:
    if not can(request.user, C.REPLY):
        raise PermissionDenied
    form = NewTicketForm(request.POST or None, request.FILES or None, initial={"language": request.user.language})
    fields_form = CustomFieldsForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and fields_form.is_valid():
        data = form.cleaned_data
        try:
            ticket = actions.create_ticket(
                subject=data["subject"],
                body=data["body"],
                requester_email=data["requester_email"],
                requester_name=data["requester_name"],
                actor=request.user,
                channel=data["channel"],
                public=data["public"],
                team=data["team"],
                assignee=data["assignee"],
                priority=data["priority"],
                type=data["type"],
                language=data["language"],
                custom_fields=fields_form.values(),
                attachments=data["attachments"],
                submission=data["submission"],
            )
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Ticket #%(n)s created.") % {"n": ticket.pk})
            return redirect(ticket.get_absolute_url())
    return render(
        request,
        "tickets/ticket_create.html",
        {"form": form, "fields_form": fields_form},
        status=400 if request.method == "POST" else 200,
    )


def _detail_context(request: AuthedRequest, ticket: Ticket, **forms: Any) -> dict[str, Any]:
    user = request.user
    prefetch_related_objects([ticket], "tags")  # the properties form and the automation panel both read them
    shown = conversation.fold(ticket)
    changes = history.of(ticket)
    editable = can_edit(user, ticket)
    statuses = list(TicketStatus.objects.all())
    # The agent reads each title in their own language; the text goes in in the ticket's (ADR 0012).
    canned = [
        {
            "title": response.display_title,
            "body": placeholders.render(response.translated("body", ticket.language), ticket),
        }
        for response in sort_translated(
            CannedResponse.objects.filter(Q(team__isnull=True) | Q(team_id=ticket.team_id)),
            lambda response: response.display_title,
        )
    ]
    # the statuses a ticket can be set to, read once for the composer's and the sidebar's choices
    choosable = list(choosable_statuses())
    reply_form = forms.pop("reply_form", None) or ReplyForm(auto_id="reply_%s")
    reply_form.fields["status"].rows = choosable  # type: ignore[union-attr]
    properties_form = PropertiesForm(
        current=ticket.status,
        auto_id="prop_%s",
        initial={
            "status": ticket.status_id,
            "assignee": ticket.assignee_id,
            "team": ticket.team_id,
            "priority": ticket.priority,
            "type": ticket.type,
            "tags": ", ".join(t.name for t in ticket.tags.all()),
        },
    )
    if ticket.status.category != Category.NEW:  # a new ticket's own status is one more choice
        properties_form.fields["status"].rows = choosable  # type: ignore[attr-defined]
    fields_form = forms.pop("fields_form", None) or CustomFieldsForm(
        initial={f"cf_{k}": v for k, v in ticket.custom_fields.items()}
    )
    names = timeline.names_for(changes.shown, statuses=statuses)
    return {
        "ticket": ticket,
        "names": names,
        "field_rows": custom_field_rows(ticket.custom_fields, fields_form.definitions),
        "conversation": shown,
        "newest_first": user.newest_first,
        "events": changes.rows,  # every one: the SLA panel replays its clocks from them
        # the history shows what changed (the latest of it); the messages are in the conversation beside it
        "history": changes.shown,
        "history_earlier": changes.earlier,
        "can_edit": editable,
        "can_reply": editable and can(user, C.REPLY) and not ticket.is_closed,
        "can_note": can_add_note(user, ticket),
        "reply_form": reply_form,
        "note_form": forms.pop("note_form", None) or NoteForm(auto_id="note_%s"),
        "properties_form": properties_form,
        "fields_form": fields_form,
        "merge_form": forms.pop("merge_form", None) or MergeForm(),
        "link_form": forms.pop("link_form", None) or LinkForm(),
        "statuses": choosable,
        "canned_responses": canned,
        "is_following": ticket.followers.filter(pk=user.pk).exists(),
        "links": list(
            TicketLink.objects.filter(Q(source_id=ticket.pk) | Q(target_id=ticket.pk))
            .select_related("source", "target")
            .order_by("pk")
        ),
        "followups": list(ticket.followups.all()),
        "requester_tickets": list(
            Ticket.objects.visible_to(user)
            .filter(requester_id=ticket.requester_id)
            .exclude(pk=ticket.pk)
            .select_related("status")
            .order_by("-updated_at")[:5]
        ),
        "action_error": forms.pop("action_error", None),
        "failed_mail": list(OutgoingMail.objects.filter(ticket_id=ticket.pk, state="failed").order_by("-id")[:10]),
    }


@staff_required
@require_GET
def ticket_detail(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    try:
        ticket = get_ticket_for_user(request.user, ticket_id)
    except Http404:
        if not hidden_from(request.user, Ticket.objects.filter(pk=ticket_id)):
            raise
        # another team's ticket: say so (a 403), rather than a page for a ticket that does not exist
        return render(request, "tickets/ticket_hidden.html", {"number": ticket_id}, status=403)
    return render(request, "tickets/ticket_detail.html", _detail_context(request, ticket))


@staff_required
@require_GET
def ticket_conversation(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    """Messages of the conversation as list items: with `before`, the folded ones between two shown messages
    (unfolding); without, those after `after` (the page's poll: nothing new is a 204, which htmx leaves alone)."""
    ticket = get_ticket_for_user(request.user, ticket_id)
    newest_first = request.user.newest_first
    after = parse_int(request.GET.get("after"), field="after", label=_("Message"))
    raw_before = request.GET.get("before")
    if raw_before is not None:
        before = parse_int(raw_before, field="before", label=_("Message"))
        found = conversation.between(ticket, after, before)
        context = {
            "ticket": ticket,
            "messages_list": found[::-1] if newest_first else found,
            "can_edit": can_edit(request.user, ticket),
        }
        return render(request, "tickets/partials/ticket_messages.html", context)
    found = conversation.newer(ticket, after)
    if not found:
        return HttpResponse(status=204)
    context = {
        "ticket": ticket,
        "messages_list": found[::-1] if newest_first else found,  # the poll puts them at the top: newest first
        "newest_first": newest_first,
        "can_edit": can_edit(request.user, ticket),
        "poll_after": found[-1].pk,
    }
    return render(request, "tickets/partials/ticket_messages.html", context)


@staff_required
@require_GET
def ticket_history(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    """The folded changes of the history: those before the first one the page shows (`before`)."""
    ticket = get_ticket_for_user(request.user, ticket_id)
    before = parse_int(request.GET.get("before"), field="before", label=_("Change"))
    changes = history.before(ticket, before)
    context = {"history": changes, "names": timeline.names_for(changes)}
    return render(request, "tickets/partials/ticket_history.html", context)


def _detail_with_error(request: AuthedRequest, ticket: Ticket, **forms: Any) -> HttpResponse:
    ticket = get_ticket_for_user(request.user, ticket.pk)
    return render(request, "tickets/ticket_detail.html", _detail_context(request, ticket, **forms), status=400)


def _done(request: AuthedRequest, ticket: Ticket, message: str | None = None, *, anchor: str = "") -> HttpResponse:
    """Back to the ticket, landing on what changed (`anchor`: the new message, the properties)."""
    if message:
        messages.success(request, message)
    return redirect_after_post(request, ticket.get_absolute_url() + (f"#{anchor}" if anchor else ""))


@staff_required
@require_POST
def ticket_reply(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    ticket = get_ticket_for_user(request.user, ticket_id, write=True)
    if not can(request.user, C.REPLY):
        raise PermissionDenied
    form = ReplyForm(request.POST, request.FILES, auto_id="reply_%s")
    if form.is_valid() and (sent := form.apply(actions.reply_to_ticket, ticket, actor=request.user)):
        return _done(request, ticket, _("Reply sent."), anchor=f"message-{sent.pk}")
    return _detail_with_error(request, ticket, reply_form=form)


@staff_required
@require_POST
def ticket_note(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    ticket = get_ticket_for_user(request.user, ticket_id)
    if not can_add_note(request.user, ticket):
        raise PermissionDenied
    form = NoteForm(request.POST, request.FILES, auto_id="note_%s")
    if form.is_valid() and (note := form.apply(actions.add_note, ticket, actor=request.user)):
        return _done(request, ticket, _("Note added."), anchor=f"message-{note.pk}")
    return _detail_with_error(request, ticket, note_form=form)


def _apply_field(request: AuthedRequest, ticket_id: int, form_class: type[ActionForm], action: Any) -> HttpResponse:
    ticket = get_ticket_for_user(request.user, ticket_id, write=True)
    form = form_class(request.POST)
    if form.is_valid() and form.apply(action, ticket, actor=request.user):
        return _done(request, ticket, _("Ticket updated."), anchor=PROPERTIES)
    errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
    return _detail_with_error(request, ticket, action_error=errors)


@staff_required
@require_POST
def ticket_update(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    ticket = get_ticket_for_user(request.user, ticket_id, write=True)
    form = PropertiesForm(request.POST, current=ticket.status, auto_id="prop_%s")
    fields_form = CustomFieldsForm(request.POST)
    if (
        form.is_valid()
        and fields_form.is_valid()
        and form.apply(actions.update_properties, ticket, actor=request.user, custom_fields=fields_form.values())
    ):
        return _done(request, ticket, _("Ticket updated."), anchor=PROPERTIES)
    errors = "; ".join(str(e) for errs in [*form.errors.values(), *fields_form.errors.values()] for e in errs)
    return _detail_with_error(request, ticket, action_error=errors, fields_form=fields_form)


@staff_required
@require_POST
def ticket_set_status(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    return _apply_field(request, ticket_id, StatusForm, actions.change_status)


@staff_required
@require_POST
def ticket_assign(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    return _apply_field(request, ticket_id, AssignForm, actions.assign_ticket)


@staff_required
@require_POST
def ticket_set_team(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    return _apply_field(request, ticket_id, TeamForm, actions.set_team)


@staff_required
@require_POST
def ticket_set_priority(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    return _apply_field(request, ticket_id, PriorityForm, actions.set_priority)


@staff_required
@require_POST
def ticket_set_type(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    return _apply_field(request, ticket_id, TypeForm, actions.set_type)


@staff_required
@require_POST
def ticket_set_tags(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    return _apply_field(request, ticket_id, TagsForm, actions.set_tags)


@staff_required
@require_POST
def ticket_set_fields(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    ticket = get_ticket_for_user(request.user, ticket_id, write=True)
    form = CustomFieldsForm(request.POST)
    if form.is_valid():
        try:
            actions.set_custom_fields(ticket, values=form.values(), actor=request.user)
        except ActionError as error:
            return _detail_with_error(request, ticket, action_error=error.message, fields_form=form)
        return _done(request, ticket, _("Ticket updated."), anchor=PROPERTIES)
    return _detail_with_error(request, ticket, fields_form=form, action_error=_("Check the highlighted fields."))


@staff_required
@require_POST
def ticket_follow(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    ticket = get_ticket_for_user(request.user, ticket_id)
    following = request.POST.get("following") == "1"
    actions.set_following(ticket, user=request.user, following=following, actor=request.user)
    return _done(request, ticket)


def _other_ticket(request: AuthedRequest, number: int) -> Ticket:
    try:
        return get_ticket_for_user(request.user, number, write=True)
    except (Http404, PermissionDenied):
        raise ActionError(
            "unknown_ticket", _("No ticket #%(n)s that you can change.") % {"n": number}, field="target"
        ) from None


@staff_required
@require_POST
def ticket_merge(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    ticket = get_ticket_for_user(request.user, ticket_id, write=True)
    form = MergeForm(request.POST)
    if form.is_valid():
        try:
            target = actions.merge_tickets(
                ticket, target=_other_ticket(request, form.cleaned_data["target"]), actor=request.user
            )
        except ActionError as error:
            form.add_error("target", error.message)
        else:
            return _done(request, target, _("Ticket #%(a)s was merged into #%(b)s.") % {"a": ticket.pk, "b": target.pk})
    return _detail_with_error(request, ticket, merge_form=form)


@staff_required
@require_POST
def ticket_link(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    ticket = get_ticket_for_user(request.user, ticket_id, write=True)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            other = _other_ticket(request, form.cleaned_data["other"])
            actions.link_tickets(ticket, other=other, actor=request.user)
        except ActionError as error:
            form.add_error("other", error.message)
        else:
            return _done(request, ticket, _("Tickets linked."))
    return _detail_with_error(request, ticket, link_form=form)


@staff_required
@require_POST
def ticket_split(request: AuthedRequest, ticket_id: int, message_id: int) -> HttpResponse:
    ticket = get_ticket_for_user(request.user, ticket_id, write=True)
    message = get_object_or_404(Message, pk=message_id, ticket=ticket)
    try:
        new = actions.split_ticket(ticket, message=message, actor=request.user)
    except ActionError as error:
        return _detail_with_error(request, ticket, action_error=error.message)
    return _done(request, new, _("The message was split into ticket #%(n)s.") % {"n": new.pk})


@staff_required
@require_GET
def attachment_download(request: AuthedRequest, attachment_id: int) -> FileResponse:
    attachment = get_attachment_for_user(request.user, attachment_id)
    return file_response(attachment)
