"""Saved inbox views, the user's own or shared."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, require
from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError
from opsdesk.tickets.models import (
    SavedView,
    TicketStatus,
)

if TYPE_CHECKING:
    from opsdesk.accounts.models import User


Category = TicketStatus.Category

# --- saved views ---------------------------------------------------------------------------------------------------


@transaction.atomic
def save_view(*, name: str, filters: dict[str, Any], sort: str, shared: bool, actor: User) -> SavedView:
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("empty_name", _("Enter a name."), field="name", status=422)
    if shared:
        require(actor, Capability.SHARE_VIEWS)
    view = SavedView.objects.create(name=name[:100], owner=None if shared else actor, filters=filters, sort=sort)
    audit.record(actor=actor, verb="saved_view.created", target=view, data={"filters": filters, "shared": shared})
    return view


@transaction.atomic
def delete_view(view: SavedView, *, actor: User) -> None:
    if view.owner_id != actor.pk:  # a shared view, or someone else's
        require(actor, Capability.MANAGE_SHARED_VIEWS)
    audit.record(actor=actor, verb="saved_view.deleted", target=view, data={"name": view.name, "filters": view.filters})
    view.delete()
