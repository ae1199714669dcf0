"""Macros: named steps an agent applies to a ticket in one click (the same vocabulary as rules, run as the agent).
Personal macros belong to their owner; shared ones (no owner) are written by those who manage automation."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, can, require
from opsdesk.accounts.models import User
from opsdesk.audit import actions as audit
from opsdesk.automation import steps as vocabulary
from opsdesk.automation.actions.running import Context, fresh, run_steps
from opsdesk.automation.events import MACRO_APPLIED
from opsdesk.automation.models import Macro
from opsdesk.core.errors import ActionError
from opsdesk.core.origin import origin
from opsdesk.people.models import Team
from opsdesk.tickets import timeline
from opsdesk.tickets.access import can_edit
from opsdesk.tickets.models import Ticket

MAX_NAME = 100


def may_edit(user: User, macro: Macro | None, *, shared: bool) -> bool:
    """Anyone who edits tickets writes their own macros; shared ones need manage_automation."""
    if shared or (macro is not None and macro.owner_id is None):
        return can(user, Capability.MANAGE_AUTOMATION)
    return can(user, Capability.EDIT_TICKETS) and (macro is None or macro.owner_id == user.pk)


@transaction.atomic
def save_macro(
    macro: Macro | None,
    *,
    name: str,
    actions: Any,
    shared: bool,
    team: Team | None = None,
    description: str = "",
    actor: User,
) -> Macro:
    require(actor, Capability.EDIT_TICKETS)
    if not may_edit(actor, macro, shared=shared):
        raise ActionError("forbidden", _("Only those who manage automation can share macros."), status=403)
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("required", _("Give the macro a name."), field="name", status=422)
    if len(name) > MAX_NAME or "\x00" in name:
        raise ActionError("invalid_name", _("A name is at most %(n)d characters.") % {"n": MAX_NAME}, field="name")
    if "\x00" in description or len(description) > 2000:
        raise ActionError("invalid_description", _("A description is at most 2,000 characters."), field="description")
    try:
        steps = vocabulary.as_json(vocabulary.parse(actions, macro=True))
    except vocabulary.StepError as error:
        raise ActionError("invalid_step", error.message, field=error.name, status=422) from None
    owner = None if shared else (macro.owner if macro is not None and macro.owner_id else actor)
    if macro is None:
        macro = Macro.objects.create(
            name=name, description=description.strip(), actions=steps, owner=owner, team=team if shared else None
        )
        verb = "macro.created"
    else:
        macro = Macro.objects.select_for_update().get(pk=macro.pk)
        macro.name, macro.description, macro.actions = name, description.strip(), steps
        macro.owner, macro.team = owner, team if shared else None
        macro.save()
        verb = "macro.changed"
    audit.record(actor=actor, verb=verb, target=macro, data={"name": macro.name, "actions": steps})
    return macro


@transaction.atomic
def delete_macro(macro: Macro, *, actor: User) -> None:
    if not may_edit(actor, macro, shared=macro.owner_id is None):
        raise ActionError("forbidden", _("You cannot delete this macro."), status=403)
    audit.record(actor=actor, verb="macro.deleted", target=macro, data={"name": macro.name})
    macro.delete()


@transaction.atomic
def apply_macro(macro: Macro, ticket: Ticket, *, actor: User) -> list[dict[str, Any]]:
    """Run the macro's steps on the ticket as the agent; each step through the ticket actions with the agent's
    rights. Returns what each step changed (a refused step says why; the others stay done)."""
    require(actor, Capability.EDIT_TICKETS)
    if not can_edit(actor, ticket):
        raise ActionError("forbidden", _("You cannot change this ticket."), status=403)
    steps = vocabulary.parse(macro.actions, macro=True)
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    with origin(cause=f"macro:{macro.pk}"):
        applied = timeline.record(
            locked,
            MACRO_APPLIED,
            actor=actor,
            data={"macro": macro.pk, "name": macro.name, "steps": [s.type for s in steps]},
            at=timezone.now(),
        )
    with origin(cause_event=applied.pk, cause=f"macro:{macro.pk}"):
        changes = run_steps(
            fresh(locked.pk), steps, Context(actor=actor, event=applied, via="macro", key=f"m{applied.pk}")
        )
    Macro.objects.filter(pk=macro.pk).update(uses=F("uses") + 1)
    return changes
