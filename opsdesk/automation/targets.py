"""What rules reach outside the ticket app: the team's routing (opsdesk.routing), outbound webhooks and Slack or
Teams channels (opsdesk.integrations), by id, for the step vocabulary (automation/steps.py), its forms and runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.translation import gettext as _

from opsdesk.core.errors import ActionError
from opsdesk.core.site import absolute_url
from opsdesk.core.translations import default_language
from opsdesk.integrations import actions as integration_actions
from opsdesk.integrations.consumers import event_json, ticket_json
from opsdesk.integrations.models import ChatChannel, Webhook
from opsdesk.integrations.posts import Post
from opsdesk.routing import actions as routing_actions
from opsdesk.tickets import events as ticket_events
from opsdesk.tickets import timeline

if TYPE_CHECKING:
    from opsdesk.tickets.models import Ticket, TicketEvent

WEBHOOK_EVENT = "automation.webhook"  # the `type` of a rule's webhook call


def webhooks() -> dict[int, Any]:
    return {w.pk: w for w in Webhook.objects.filter(active=True).order_by("name", "id")}


def channels() -> dict[int, Any]:
    return {c.pk: c for c in ChatChannel.objects.filter(active=True).order_by("name", "id")}


def route(ticket: Ticket) -> dict[str, Any]:
    """Assign by the ticket's team's routing strategy now; the decision is on the timeline (routing's event)."""
    decision = routing_actions.route_ticket(ticket)
    return {"assignee": decision.assignee.pk if decision.assignee else None, "text": decision.text}


def call_webhook(pk: int, *, ticket: Ticket, event: TicketEvent, key: str) -> int:
    """A signed POST of the firing and the ticket to an outbound webhook, once per firing (its key)."""
    webhook = Webhook.objects.filter(pk=pk, active=True).first()
    if webhook is None:
        raise ActionError("webhook_missing", _("The webhook no longer exists or is switched off."))
    data = {"event": event_json(event), "ticket": ticket_json(ticket)}
    delivery = integration_actions.send_to_webhook(
        webhook, event=WEBHOOK_EVENT, data=data, key=f"{key}:webhook:{pk}", ticket_event_id=event.pk
    )
    return delivery.pk


def post_to_channel(pk: int | str, *, ticket: Ticket, text: str, event: TicketEvent, key: str) -> int:
    """A message to a Slack or Teams channel (`"team"`: the active channel of the ticket's team): the rule's text
    (or the firing's sentence), the ticket's facts and a button to the ticket; in the default language, as channels
    are read by a team."""
    if pk == "team":
        team = ticket.team_id
        channel = ChatChannel.objects.filter(team_id=team, active=True).order_by("id").first() if team else None
        if channel is None:
            raise ActionError("no_team_channel", _("The ticket's team has no Slack or Teams channel."))
    else:
        channel = ChatChannel.objects.filter(pk=pk, active=True).first()
    if channel is None:
        raise ActionError("channel_missing", _("The Slack or Teams channel no longer exists or is switched off."))
    with translation.override(default_language()):
        sentence = ticket_events.render(event.kind, event.data, timeline.names_for([event]))
        facts = (
            (str(_("Priority")), str(ticket.get_priority_display())),
            (str(_("Status")), str(ticket.status.display_name)),
            (str(_("Team")), str(ticket.team.display_name) if ticket.team else "—"),
            (str(_("Requester")), ticket.requester.name),
        )
        post = Post(
            title=f"#{ticket.pk} {ticket.subject}",
            text=text or sentence,
            url=absolute_url(ticket.get_absolute_url()),
            facts=facts,
            level="danger" if ticket.priority == "urgent" else "warning" if ticket.priority == "high" else "info",
        )
    delivery = integration_actions.post_to_channel(
        channel, post=post, key=f"{key}:channel:{channel.pk}", ticket_event_id=event.pk
    )
    return delivery.pk
