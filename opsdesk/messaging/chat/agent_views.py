"""The agents' side of live chat: the Chats page (waiting and active chats, live), one conversation, taking,
answering and ending a chat; and the administrators' chat widget settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability, can
from opsdesk.core.errors import ActionError
from opsdesk.core.forms import (
    TranslatedForm,
    TranslatedModelChoiceField,
    TranslatedTextField,
    add_action_error,
    translated_initial,
)
from opsdesk.core.http import AuthedRequest
from opsdesk.core.site import site_url
from opsdesk.core.translations import language_name
from opsdesk.messaging.actions import chat as chat_actions
from opsdesk.messaging.chat import streams
from opsdesk.messaging.chat.access import chats_visible_to, get_chat_for_user
from opsdesk.messaging.models import ChatSession, ChatWidget
from opsdesk.messaging.models.chat import ChatWait
from opsdesk.people.models import Team
from opsdesk.tickets.models import Message

State = ChatSession.State


@dataclass(frozen=True)
class WaitingChat:
    """A row of the waiting list: the chat and how long it has waited (`ChatSession.wait`)."""

    chat: ChatSession
    wait: ChatWait


def _queue(user: Any) -> dict[str, Any]:
    """The Chats page's lists. Waiting chats come first, the unanswered ones (nobody took them within
    OPSDESK_CHAT_UNANSWERED_AFTER) on top, each list oldest first. `refresh_in`: the seconds until a waiting row
    changes (a chat turns unanswered, or an unanswered one's minutes tick), for the page's script to reload then."""
    now = timezone.now()
    chats = chats_visible_to(user).exclude(state=State.ENDED).select_related("widget", "agent", "ticket__requester")
    waiting_first = Case(When(state=State.WAITING, then=Value(0)), default=Value(1))
    rows = list(chats.order_by(waiting_first, "started_at", "pk")[:200])
    waiting = [WaitingChat(c, wait) for c in rows if (wait := c.wait(now)) is not None]
    waiting.sort(key=lambda row: (not row.wait.unanswered, row.chat.started_at, row.chat.pk))
    changes = [row.wait.unanswered_in if not row.wait.unanswered else 60 - row.wait.seconds % 60 for row in waiting]
    return {
        "waiting": waiting,
        "unanswered": sum(row.wait.unanswered for row in waiting),
        "refresh_in": min(changes, default=None),
        "mine": [c for c in rows if c.state == State.ACTIVE and c.agent_id == user.pk],
        "others": [c for c in rows if c.state == State.ACTIVE and c.agent_id != user.pk],
    }


@capability_required(Capability.ANSWER_CHATS)
@require_GET
def chat_list(request: AuthedRequest) -> HttpResponse:
    """Waiting chats first (the unanswered ones, marked "Waiting N min", on top; oldest first), then the agent's
    own, then their colleagues'; kept live by the page's script, which reloads the list on every queue event and
    when a waiting row changes, and alerts (sound and banner) on a new waiting chat."""
    return render(request, "messaging/chat_list.html", _queue(request.user))


@capability_required(Capability.ANSWER_CHATS)
@require_GET
def chat_queue(request: AuthedRequest) -> HttpResponse:
    return render(request, "messaging/partials/chat_queue.html", _queue(request.user))


@capability_required(Capability.ANSWER_CHATS)
@require_GET
def chat_waiting_count(request: AuthedRequest) -> HttpResponse:
    """The navigation's badge: how many chats wait for someone (the ones this user could take)."""
    return JsonResponse({"waiting": chats_visible_to(request.user).filter(state=State.WAITING).count()})


async def _staff_or_refuse(request: HttpRequest) -> Any:
    user = await request.auser()
    if not user.is_authenticated:
        raise PermissionDenied
    if not can(user, Capability.ANSWER_CHATS):
        raise PermissionDenied
    return user


@require_GET
async def chat_queue_events(request: HttpRequest) -> HttpResponseBase:
    """The Chats page's stream: a `queue` event whenever a chat starts, is taken or ends."""
    user = await _staff_or_refuse(request)
    await sync_to_async(streams.release_connection)()
    return streams.response(streams.queue_stream(user))


@require_GET
async def chat_events(request: HttpRequest, chat_id: int) -> HttpResponseBase:
    """One conversation's stream for the agent (EventSource: the browser resumes with Last-Event-ID itself)."""
    user = await _staff_or_refuse(request)
    session = await sync_to_async(get_chat_for_user)(user, chat_id)
    await sync_to_async(streams.release_connection)()
    last_id = streams.parse_last_id(request.headers.get("Last-Event-ID"))
    return streams.response(streams.session_stream(session.pk, last_id=last_id, side="agent"))


@capability_required(Capability.ANSWER_CHATS)
@require_GET
def chat_detail(request: AuthedRequest, chat_id: int) -> HttpResponse:
    session = get_chat_for_user(request.user, chat_id)
    rows = (
        Message.objects.filter(ticket_id=session.ticket_id, visibility=Message.Visibility.PUBLIC)
        .select_related("author_user")
        .order_by("created_at", "pk")
    )
    return render(
        request,
        "messaging/chat_detail.html",
        {
            "chat": session,
            "chat_messages": rows,
            "mine": session.state == State.ACTIVE and session.agent_id == request.user.pk,
            "max_length": chat_actions.MAX_CHAT_MESSAGE,
        },
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _act(request: AuthedRequest, chat_id: int, action: Any, **kwargs: Any) -> HttpResponse:
    session = get_chat_for_user(request.user, chat_id)
    try:
        result = action(session, **kwargs)
    except ActionError as error:
        if _wants_json(request):
            return JsonResponse(
                {"code": error.code, "message": error.message, "field": error.field}, status=error.status
            )
        messages.error(request, error.message)
        if error.code == "chat_taken":
            return redirect("chat:chat_list")
        return redirect("chat:chat_detail", chat_id)
    if _wants_json(request):
        return JsonResponse({"id": getattr(result, "pk", None)}, status=201 if isinstance(result, Message) else 200)
    return redirect("chat:chat_detail", chat_id)


@capability_required(Capability.ANSWER_CHATS)
@require_POST
def chat_accept(request: AuthedRequest, chat_id: int) -> HttpResponse:
    return _act(request, chat_id, chat_actions.accept_chat, actor=request.user)


@capability_required(Capability.ANSWER_CHATS)
@require_POST
def chat_send(request: AuthedRequest, chat_id: int) -> HttpResponse:
    return _act(
        request, chat_id, chat_actions.send_agent_message, body=request.POST.get("body", ""), actor=request.user
    )


@capability_required(Capability.ANSWER_CHATS)
@require_POST
def chat_typing(request: AuthedRequest, chat_id: int) -> HttpResponse:
    session = get_chat_for_user(request.user, chat_id)
    if session.state == State.ACTIVE and session.agent_id == request.user.pk:
        chat_actions.typing(session, side="agent")
    return HttpResponse(status=204)


@capability_required(Capability.ANSWER_CHATS)
@require_POST
def chat_end(request: AuthedRequest, chat_id: int) -> HttpResponse:
    return _act(request, chat_id, chat_actions.end_chat, ended_by="agent", actor=request.user)


# --- chat widget settings (administrators) ------------------------------------------------------------------------


class ChatWidgetForm(TranslatedForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    team = TranslatedModelChoiceField(
        label=gettext_lazy("Team"), queryset=Team.objects.all(), required=False, empty_label=gettext_lazy("Every team")
    )
    allowed_origins = forms.CharField(
        label=gettext_lazy("Allowed websites"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One address a line, such as https://shop.example.com. Other websites are refused."),
    )
    greeting = TranslatedTextField(label=gettext_lazy("Greeting"), max_length=300)
    offline_message = TranslatedTextField(
        label=gettext_lazy("Offline text"),
        max_length=300,
        help_text=gettext_lazy("Shown when no agent can answer: the visitor's message then becomes an email ticket."),
    )
    agent_limit = forms.IntegerField(label=gettext_lazy("Chats per agent at once"), min_value=1, max_value=20)
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False)

    def clean_allowed_origins(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["allowed_origins"].splitlines() if line.strip()]


@capability_required(Capability.MANAGE_CHANNELS)
@require_GET
def widget_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "messaging/chat_widget_list.html",
        {"widgets": ChatWidget.objects.select_related("team"), "site": site_url()},
    )


@capability_required(Capability.MANAGE_CHANNELS)
@require_http_methods(["GET", "POST"])
def widget_edit(request: AuthedRequest, widget_id: int | None = None) -> HttpResponse:
    widget = get_object_or_404(ChatWidget, pk=widget_id) if widget_id else None
    initial: dict[str, Any] = {"agent_limit": 3, "active": True}
    if widget is not None:
        initial = {
            **translated_initial(widget, "greeting", "offline_message"),
            "name": widget.name,
            "team": widget.team_id,
            "allowed_origins": "\n".join(widget.allowed_origins),
            "agent_limit": widget.agent_limit,
            "active": widget.active,
        }
    form = ChatWidgetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = chat_actions.save_chat_widget(widget, actor=request.user, **form.cleaned_data)
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("chat:widget_list") + f"#widget-{saved.pk}")
    missing = [language_name(code) for code in widget.missing_languages()] if widget else []
    return render(
        request,
        "messaging/chat_widget_form.html",
        {"form": form, "widget": widget, "missing": missing},
        status=400 if request.method == "POST" else 200,
    )
