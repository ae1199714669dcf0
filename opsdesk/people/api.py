"""Teams and users (read-only) in the REST API."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from opsdesk.accounts.models import STAFF_ROLES, User
from opsdesk.core.schemas import ERRORS, TRANSLATIONS_DESCRIPTION
from opsdesk.people.models import Team

router = Router(tags=["people"])


class MemberOut(Schema):
    user_id: int
    is_lead: bool
    access: str


class TeamOut(Schema):
    id: int
    name: str = Field(..., description="In the request's language (Accept-Language or `?lang=`), else the default.")
    translations: dict[str, dict[str, str]] = Field(..., description=TRANSLATIONS_DESCRIPTION)
    email: str
    languages: list[str]
    skills: list[str]
    members: list[MemberOut]

    @staticmethod
    def resolve_name(obj: Team) -> str:
        return obj.display_name

    @staticmethod
    def resolve_translations(obj: Team) -> dict[str, dict[str, str]]:
        return {"name": obj.texts("name")}

    @staticmethod
    def resolve_skills(obj: Team) -> list[str]:
        return sorted(skill.name for skill in obj.skills.all())

    @staticmethod
    def resolve_members(obj: Team) -> list[MemberOut]:
        return [MemberOut(user_id=m.user_id, is_lead=m.is_lead, access=m.access) for m in obj.memberships.all()]


class UserOut(Schema):
    id: int
    name: str
    email: str
    role: str
    language: str
    time_zone: str
    is_active: bool


@router.get("/teams/", response={200: list[TeamOut], **ERRORS}, summary="Teams with their members")
def team_list(request: HttpRequest) -> list[Team]:
    return list(Team.objects.prefetch_related("skills", "memberships").order_by("name"))


@router.get("/users/", response={200: list[UserOut], **ERRORS}, summary="Staff users (read-only)")
def user_list(request: HttpRequest) -> list[User]:
    return list(User.objects.filter(role__in=STAFF_ROLES).order_by("name", "id")[:1000])
