"""Every write to teams and memberships; each leaves an audit row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from opsdesk.audit import actions as audit
from opsdesk.core import translations
from opsdesk.core.errors import ActionError
from opsdesk.people.models import Skill, Team, TeamMembership

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@transaction.atomic
def save_team(
    team: Team | None,
    *,
    name: str,
    name_translations: Mapping[str, str] | None = None,
    email: str = "",
    languages: Iterable[str] = (),
    skills: Iterable[str] = (),
    actor: User,
) -> Team:
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("empty_name", _("Enter a name."), field="name", status=422)
    if len(name) > 100:
        raise ActionError("too_long", _("Use at most %(n)d characters.") % {"n": 100}, field="name", status=422)
    name_translations = translations.clean(name_translations, field="name", max_length=100)
    if Team.objects.filter(name__iexact=name).exclude(pk=team.pk if team else 0).exists():
        raise ActionError("name_taken", _("A team with this name exists already."), field="name")
    translations.check_unique(
        "name",
        name,
        name_translations,
        Team.objects.exclude(pk=team.pk if team else 0),
        _("A team with this name exists already."),
    )
    langs = [code for code in LANGUAGE_CODES if code in set(languages)]
    created = team is None
    if team is None:
        team = Team.objects.create(name=name, name_translations=name_translations, email=email, languages=langs)
        before = {}
    else:
        team = Team.objects.select_for_update().get(pk=team.pk)
        before = {
            "name": team.name,
            "name_translations": team.name_translations,
            "email": team.email,
            "languages": team.languages,
            "skills": sorted(skill.name for skill in team.skills.all()),
        }
        team.name, team.name_translations, team.email, team.languages = name, name_translations, email, langs
        team.save(update_fields=["name", "name_translations", "email", "languages", "updated_at"])
    skill_objs = [Skill.objects.get_or_create(name=s.strip())[0] for s in skills if s and s.strip()]
    team.skills.set(skill_objs)
    audit.record(
        actor=actor,
        verb="team.created" if created else "team.updated",
        target=team,
        data={
            "before": before,
            "after": {
                "name": name,
                "name_translations": name_translations,
                "email": email,
                "languages": langs,
                "skills": sorted(s.name for s in skill_objs),
            },
        },
    )
    return team


@transaction.atomic
def set_membership(
    team: Team,
    *,
    user: User,
    member: bool,
    is_lead: bool = False,
    access: str = TeamMembership.Access.FULL,
    actor: User,
) -> TeamMembership | None:
    if not user.is_agent_side:
        raise ActionError("not_staff", _("Only staff can be team members."), field="user")
    if access not in TeamMembership.Access.values:
        raise ActionError("invalid_access", _("Choose a valid access level."), field="access", status=422)
    existing = TeamMembership.objects.select_for_update().filter(team=team, user=user).first()
    if not member:
        if existing is not None:
            existing.delete()
            audit.record(actor=actor, verb="team.member_removed", target=team, data={"user": user.pk})
        return None
    if existing is None:
        existing = TeamMembership.objects.create(team=team, user=user, is_lead=is_lead, access=access)
    else:
        existing.is_lead, existing.access = is_lead, access
        existing.save(update_fields=["is_lead", "access"])
    audit.record(
        actor=actor, verb="team.member_set", target=team, data={"user": user.pk, "is_lead": is_lead, "access": access}
    )
    return existing
