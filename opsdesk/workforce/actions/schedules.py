"""Schedules (METRICS §6.5): shift templates and rotations, shifts placed for agents in their own time zone, moved or
removed in the editor, published (each agent gets a mail with their week), and time off asked for by an agent and
decided by a planner (manage_schedules). An agent's shifts never overlap; a rotation is placed whole or not at all.
Every write is in the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from opsdesk.accounts.capabilities import Capability, can, require
from opsdesk.audit import actions as audit
from opsdesk.core import outbox
from opsdesk.core.errors import ActionError, invalid_input
from opsdesk.workforce import schedule
from opsdesk.workforce.actions import text
from opsdesk.workforce.models import Rotation, Shift, ShiftActivity, ShiftTemplate, TimeOff

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

MAX_ROTATION_WEEKS = 12
MAX_APPLY_WEEKS = 26
MAX_TIME_OFF = timedelta(days=60)


def save_template(
    template: ShiftTemplate | None,
    *,
    name: str,
    start_minute: int,
    minutes: int,
    activities: Sequence[dict[str, Any]],
    actor: User,
) -> ShiftTemplate:
    require(actor, Capability.MANAGE_SCHEDULES)
    name = text.clean(name)
    if not 0 <= start_minute < 1440:
        raise invalid_input("start_minute", _("Enter a time of day."))
    if not 15 <= minutes <= 960:
        raise invalid_input("minutes", _("A shift lasts from 15 minutes to 16 hours."))
    checked = schedule.check_activities(minutes, activities)
    same = ShiftTemplate.objects.filter(name=name)
    if (same.exclude(pk=template.pk) if template is not None else same).exists():
        raise invalid_input("name", _("Another template has this name."))
    with transaction.atomic():
        template = template or ShiftTemplate()
        template.name, template.start_minute, template.minutes, template.activities = (
            name,
            start_minute,
            minutes,
            checked,
        )
        template.save()
        audit.record(actor=actor, verb="shift_template.saved", target=template, data={"name": name})
    return template


def save_rotation(*, name: str, weeks: Sequence[Sequence[int | None]], actor: User) -> Rotation:
    require(actor, Capability.MANAGE_SCHEDULES)
    name = text.clean(name)
    if not 1 <= len(weeks) <= MAX_ROTATION_WEEKS or any(len(week) != 7 for week in weeks):
        raise invalid_input("weeks", _("Give 1 to %(n)d weeks of seven days.") % {"n": MAX_ROTATION_WEEKS})
    used = {t for week in weeks for t in week if t is not None}
    if used - set(ShiftTemplate.objects.filter(pk__in=used).values_list("pk", flat=True)):
        raise invalid_input("weeks", _("Choose templates that exist."))
    if Rotation.objects.filter(name=name).exists():
        raise invalid_input("name", _("Another rotation has this name."))
    with transaction.atomic():
        rotation = Rotation.objects.create(name=name, weeks=[list(week) for week in weeks])
        audit.record(actor=actor, verb="rotation.saved", target=rotation, data={"name": name, "weeks": len(weeks)})
    return rotation


def _check_free(agent: User, start: datetime, end: datetime, *, ignore: int | None = None) -> None:
    clashes = Shift.objects.filter(agent=agent, start__lt=end, end__gt=start)
    clash = (clashes.exclude(pk=ignore) if ignore is not None else clashes).first()
    if clash is not None:
        local = timezone.localtime(clash.start, timezone=_zone(agent))
        raise invalid_input(
            "start",
            _("%(name)s already has a shift then (%(when)s).")
            % {"name": agent.name, "when": local.strftime("%Y-%m-%d %H:%M")},
        )


def _zone(agent: User) -> Any:
    import zoneinfo

    return zoneinfo.ZoneInfo(agent.time_zone)


def _check_agent(agent: User) -> None:
    if not agent.is_active or not can(agent, Capability.BE_ASSIGNED):
        raise invalid_input("agent", _("Choose an agent."))


def _place(agent: User, day: date, template: ShiftTemplate, actor: User) -> Shift:
    start = schedule.shift_at(day, template.start_minute, agent.time_zone)
    end = start + timedelta(minutes=template.minutes)
    _check_free(agent, start, end)
    shift = Shift.objects.create(agent=agent, start=start, end=end, template=template, created_by=actor)
    ShiftActivity.objects.bulk_create(
        [
            ShiftActivity(
                shift=shift,
                activity=item["activity"],
                start=start + timedelta(minutes=item["offset"]),
                end=start + timedelta(minutes=item["offset"] + item["minutes"]),
            )
            for item in template.activities
        ]
    )
    return shift


def place_shift(agent: User, *, day: date, template: ShiftTemplate, actor: User) -> Shift:
    """A shift of `template` on the agent's local `day`, as a draft."""
    require(actor, Capability.MANAGE_SCHEDULES)
    _check_agent(agent)
    with transaction.atomic():
        shift = _place(agent, day, template, actor)
        audit.record(
            actor=actor,
            verb="shift.placed",
            target=shift,
            data={"agent": agent.pk, "day": day.isoformat(), "template": template.name},
        )
    return shift


def move_shift(shift: Shift, *, start: datetime, actor: User) -> Shift:
    """The editor's drag: the shift and its activities moved to start at `start` (an instant), as a draft again."""
    require(actor, Capability.MANAGE_SCHEDULES)
    delta = start - shift.start
    if abs(delta) > timedelta(days=14):
        raise invalid_input("start", _("Move a shift by at most two weeks."))
    with transaction.atomic():
        locked = Shift.objects.select_for_update().select_related("agent").get(pk=shift.pk)
        _check_free(locked.agent, locked.start + delta, locked.end + delta, ignore=locked.pk)
        Shift.objects.filter(pk=locked.pk).update(start=locked.start + delta, end=locked.end + delta, published_at=None)
        for activity in ShiftActivity.objects.filter(shift=locked):
            ShiftActivity.objects.filter(pk=activity.pk).update(start=activity.start + delta, end=activity.end + delta)
        audit.record(
            actor=actor,
            verb="shift.moved",
            target=locked,
            data={"from": locked.start.isoformat(), "to": (locked.start + delta).isoformat()},
        )
    locked.refresh_from_db()
    return locked


def remove_shift(shift: Shift, *, actor: User) -> None:
    require(actor, Capability.MANAGE_SCHEDULES)
    with transaction.atomic():
        audit.record(
            actor=actor,
            verb="shift.removed",
            target=shift,
            data={"agent": shift.agent_id, "start": shift.start.isoformat()},
        )
        shift.delete()


def apply_rotation(
    rotation: Rotation, *, agents: Sequence[User], first_monday: date, weeks: int, actor: User
) -> list[Shift]:
    """The rotation's templates for each agent, week by week from `first_monday` (each in their own zone). All or
    nothing: one clash refuses the whole, naming the agent and the time."""
    require(actor, Capability.MANAGE_SCHEDULES)
    if first_monday.weekday() != 0:
        raise invalid_input("first_monday", _("Choose a Monday."))
    if not 1 <= weeks <= MAX_APPLY_WEEKS:
        raise invalid_input("weeks", _("Choose from 1 to %(n)d weeks.") % {"n": MAX_APPLY_WEEKS})
    if not agents:
        raise invalid_input("agents", _("Choose at least one agent."))
    for agent in agents:
        _check_agent(agent)
    templates = {t.pk: t for t in ShiftTemplate.objects.all()}
    made = []
    with transaction.atomic():
        for agent in agents:
            for week in range(weeks):
                pattern = rotation.weeks[week % len(rotation.weeks)]
                for weekday, template_id in enumerate(pattern):
                    if template_id is None or template_id not in templates:
                        continue
                    day = first_monday + timedelta(days=7 * week + weekday)
                    made.append(_place(agent, day, templates[template_id], actor))
        audit.record(
            actor=actor,
            verb="rotation.applied",
            target=rotation,
            data={"agents": [a.pk for a in agents], "first_monday": first_monday.isoformat(), "weeks": weeks},
        )
    return made


def publish(agents: Sequence[User], *, start: datetime, end: datetime, actor: User, notify: bool = True) -> int:
    """Publish the draft shifts of `agents` between two instants and mail each agent their published shifts of the
    period (in their language and zone; not when `notify` is off, as for the demo's seeded weeks). Returns how many
    shifts were published."""
    require(actor, Capability.MANAGE_SCHEDULES)
    now = timezone.now()
    published = 0
    with transaction.atomic():
        for agent in agents:
            drafts = Shift.objects.filter(agent=agent, start__gte=start, start__lt=end, published_at__isnull=True)
            count = drafts.update(published_at=now)
            if not count:
                continue
            published += count
            shifts = list(Shift.objects.filter(agent=agent, start__gte=start, start__lt=end).order_by("start"))
            zone = _zone(agent)
            lines = [(timezone.localtime(s.start, zone), timezone.localtime(s.end, zone)) for s in shifts]
            if agent.email and notify:
                with override(agent.language):
                    outbox.queue_templated(
                        "workforce/emails/schedule_published",
                        kind="workforce.schedule_published",
                        to=[agent.email],
                        language=agent.language,
                        context={"agent": agent, "shifts": lines, "zone": agent.time_zone},
                        headers={"Auto-Submitted": "auto-generated"},
                    )
        audit.record(
            actor=actor,
            verb="schedule.published",
            data={
                "agents": [a.pk for a in agents],
                "start": start.isoformat(),
                "end": end.isoformat(),
                "shifts": published,
            },
        )
    return published


def request_time_off(agent: User, *, start: datetime, end: datetime, reason: str, actor: User) -> TimeOff:
    """An agent's own request (or a planner's for them). `start` and `end` are wall-clock times in the agent's zone;
    a time the clocks skip or repeat is refused, and the period is counted in real hours across a DST change."""
    if actor.pk != agent.pk:
        require(actor, Capability.MANAGE_SCHEDULES)
    else:
        require(actor, Capability.BE_ASSIGNED)
    begins = schedule.typed_local(start, agent.time_zone, field="start")
    ends = schedule.typed_local(end, agent.time_zone, field="end")
    if ends <= begins:
        raise invalid_input("end", _("End after the start."))
    if ends - begins > MAX_TIME_OFF:
        raise invalid_input("end", _("Ask for at most 60 days at a time."))
    reason = text.clean(reason, field="reason", limit=200, required=False)
    if (
        TimeOff.objects.filter(agent=agent, start__lt=ends, end__gt=begins)
        .exclude(state=TimeOff.State.DECLINED)
        .exists()
    ):
        raise invalid_input("start", _("You have already asked for time off then."))
    with transaction.atomic():
        request = TimeOff.objects.create(agent=agent, start=begins, end=ends, reason=reason)
        audit.record(
            actor=actor,
            verb="time_off.requested",
            target=request,
            data={"agent": agent.pk, "start": begins.isoformat(), "end": ends.isoformat()},
        )
    return request


def decide_time_off(request: TimeOff, *, approve: bool, actor: User) -> TimeOff:
    require(actor, Capability.MANAGE_SCHEDULES)
    if request.agent_id == actor.pk:
        raise ActionError("own_request", _("Ask another planner to decide on your own time off."))
    with transaction.atomic():
        updated = TimeOff.objects.filter(pk=request.pk, state=TimeOff.State.PENDING).update(
            state=TimeOff.State.APPROVED if approve else TimeOff.State.DECLINED,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        if not updated:
            raise ActionError("decided", _("This request has been decided already."))
        request.refresh_from_db()
        audit.record(actor=actor, verb=f"time_off.{request.state}", target=request, data={"agent": request.agent_id})
    return request
