"""Channel groups: written tickets (email, web form, portal, API, agent-opened) are one queue, live chats and phone
calls each another, because an agent's attention is split that way. Routing counts capacity and load per group and
workforce planning forecasts and staffs a queue per team and group. `CHANNEL_GROUPS` maps each `Ticket.Channel` to its
group."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from opsdesk.tickets.models import Ticket


class ChannelGroup(models.TextChoices):
    TICKETS = "tickets", _("Tickets")
    CHAT = "chat", _("Chats")
    PHONE = "phone", _("Calls")


CHANNEL_GROUPS: dict[str, str] = {
    Ticket.Channel.EMAIL: ChannelGroup.TICKETS,
    Ticket.Channel.WEB: ChannelGroup.TICKETS,
    Ticket.Channel.PORTAL: ChannelGroup.TICKETS,
    Ticket.Channel.API: ChannelGroup.TICKETS,
    Ticket.Channel.AGENT: ChannelGroup.TICKETS,
    Ticket.Channel.CHAT: ChannelGroup.CHAT,
    Ticket.Channel.PHONE: ChannelGroup.PHONE,
}


def channels_of(group: str) -> list[str]:
    return [channel for channel, found in CHANNEL_GROUPS.items() if found == group]
