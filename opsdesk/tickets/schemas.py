"""API schemas for tickets, messages and timeline events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from ninja import Field, Schema

from opsdesk.core.schemas import TRANSLATIONS_DESCRIPTION
from opsdesk.tickets import categories
from opsdesk.tickets.categories import Category


def _customer_request(context: Any) -> Any:
    """The request, when a customer made it (their view of a ticket is the portal's); otherwise None."""
    request = (context or {}).get("request")
    user = getattr(request, "auth", None)
    return request if getattr(user, "role", None) == "customer" else None


class TicketOut(Schema):
    id: int
    subject: str
    status_id: int
    status_category: Category
    priority: str
    type: str
    channel: str
    language: str
    detected_language: str | None = Field(
        None, description="The language the customer last wrote in, as detected (ISO 639-1); null until detected."
    )
    requester_id: int
    organization_id: int | None
    team_id: int | None
    assignee_id: int | None
    tags: list[str]
    custom_fields: dict[str, Any]
    message_count: int
    merged_into_id: int | None
    followup_of_id: int | None
    created_at: datetime
    updated_at: datetime
    solved_at: datetime | None
    closed_at: datetime | None
    sla_policy_id: int | None = Field(None, description="The SLA policy in force (null for customers).")
    sla_deadline_at: datetime | None = Field(
        None,
        description="The earliest deadline of an SLA clock still counting, breached ones included; null when no "
        "clock counts (and for customers). The events behind it: the ticket's sla.* events.",
    )

    @staticmethod
    def resolve_sla_policy_id(obj: Any, context: Any = None) -> int | None:
        return None if _customer_request(context) else obj.sla_policy_id

    @staticmethod
    def resolve_sla_deadline_at(obj: Any, context: Any = None) -> datetime | None:
        return None if _customer_request(context) else obj.sla_deadline_at

    @staticmethod
    def resolve_tags(obj: Any, context: Any = None) -> list[str]:
        return [] if _customer_request(context) else sorted(tag.name for tag in obj.tags.all())

    # A customer sees what the portal shows: no team, assignee or tags, only the custom fields shown in the portal,
    # and "on hold" as "open".
    @staticmethod
    def resolve_team_id(obj: Any, context: Any = None) -> int | None:
        return None if _customer_request(context) else obj.team_id

    @staticmethod
    def resolve_assignee_id(obj: Any, context: Any = None) -> int | None:
        return None if _customer_request(context) else obj.assignee_id

    @staticmethod
    def resolve_status_category(obj: Any, context: Any = None) -> str:
        category = str(obj.status_category)
        return categories.for_customer(category) if _customer_request(context) else category

    @staticmethod
    def resolve_custom_fields(obj: Any, context: Any = None) -> dict[str, Any]:
        request = _customer_request(context)
        if not request:
            return dict(obj.custom_fields or {})
        shown = getattr(request, "_portal_field_keys", None)
        if shown is None:
            from opsdesk.fields.models import CustomField

            shown = set(
                CustomField.objects.filter(target="ticket", visible_in_portal=True).values_list("key", flat=True)
            )
            request._portal_field_keys = shown
        return {key: value for key, value in (obj.custom_fields or {}).items() if key in shown}


class TicketPage(Schema):
    items: list[TicketOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; null on the last page.")


class SearchHitOut(Schema):
    ticket: TicketOut
    subject_html: str = Field(..., description="The subject, HTML-escaped, with matching words in <mark>.")
    snippet_html: str = Field(..., description="A piece of the newest matching message, highlighted the same way.")


class SearchPage(Schema):
    items: list[SearchHitOut]
    next_page: int | None = Field(None, description="`sort=relevance`: pass as `page` for the next page.")
    next_before: int | None = Field(None, description="`sort=newest`: pass as `before` for the next page.")
    window_full: bool = Field(
        ..., description="`sort=relevance` ranks the newest 1,000 matches; true when there are more."
    )


class TicketCreateIn(Schema):
    subject: str = Field(..., max_length=250)
    body: str = Field(..., max_length=200_000)
    requester_email: str = Field(..., max_length=254)
    requester_name: str = Field("", max_length=200)
    public: bool = Field(True, description="False: the description is an internal note (logged on their behalf).")
    priority: str = "normal"
    type: str = "question"
    language: str | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    tags: list[str] = []
    custom_fields: dict[str, Any] = {}


class CommentIn(Schema):
    body: str = Field(..., max_length=200_000)
    is_html: bool = False


class ReplyIn(CommentIn):
    status_id: int | None = Field(None, description="Set this status with the reply (e.g. pending, solved).")


class StatusIn(Schema):
    status_id: int


class AttachmentOut(Schema):
    id: int
    ticket_id: int
    message_id: int | None
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime
    download_url: str = Field(..., description="GET it with the same authentication to receive the file.")

    @staticmethod
    def resolve_download_url(obj: Any) -> str:
        return reverse("api:attachment_download", args=[obj.pk])


class MessageOut(Schema):
    id: int
    ticket_id: int
    author_role: str
    visibility: str
    is_automated: bool
    channel: str
    via: str
    body_html: str
    body_text: str
    author_user_id: int | None
    author_customer_id: int | None
    created_at: datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: Any) -> list[Any]:
        return list(obj.attachments.all())


class EventOut(Schema):
    id: int
    ticket_id: int
    kind: str
    actor_id: int | None
    actor_role: str
    at: datetime
    data: dict[str, Any]


class TagOut(Schema):
    id: int
    name: str


class CustomFieldOut(Schema):
    id: int
    key: str
    label: str = Field(..., description="In the request's language (Accept-Language or `?lang=`), else the default.")
    translations: dict[str, dict[str, str]] = Field(..., description=TRANSLATIONS_DESCRIPTION)
    type: str
    target: str
    choices: list[str] = Field(..., description="A drop-down's stable values: what tickets store and filters use.")
    choice_labels: dict[str, str] = Field(..., description="Each choice's label in the request's language.")
    choice_translations: dict[str, dict[str, str]] = Field(
        ..., description="Each choice's label in every language that has one (the value is its default label)."
    )
    visible_in_portal: bool
    required_in_portal: bool

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return str(obj.display_label)

    @staticmethod
    def resolve_translations(obj: Any) -> dict[str, dict[str, str]]:
        return {field: obj.texts(field) for field in obj.translated_fields}

    @staticmethod
    def resolve_choice_labels(obj: Any) -> dict[str, str]:
        return dict(obj.choice_options())

    @staticmethod
    def resolve_choice_translations(obj: Any) -> dict[str, dict[str, str]]:
        from opsdesk.core.translations import texts

        return {value: texts(value, (obj.choice_translations or {}).get(value)) for value in obj.choices}


class StatusOut(Schema):
    id: int
    name: str = Field(..., description="In the request's language (Accept-Language or `?lang=`), else the default.")
    translations: dict[str, dict[str, str]] = Field(..., description=TRANSLATIONS_DESCRIPTION)
    category: str = Field(..., description="The fixed category rules and reports read: new, open, pending, ...")
    position: int
    is_default: bool
    is_active: bool

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.display_name)

    @staticmethod
    def resolve_translations(obj: Any) -> dict[str, dict[str, str]]:
        return {field: obj.texts(field) for field in obj.translated_fields}


class SavedViewOut(Schema):
    id: int
    name: str
    shared: bool
    filters: dict[str, Any]
    sort: str

    @staticmethod
    def resolve_shared(obj: Any) -> bool:
        return obj.owner_id is None


class MergeIn(Schema):
    target_id: int = Field(..., description="The ticket this one is merged into.")


class LinkIn(Schema):
    other_id: int


class LinkOut(Schema):
    id: int
    source_id: int
    target_id: int
    kind: str


class TicketUpdateIn(Schema):
    """Only the fields sent are changed; each change is its own action and timeline event."""

    status_id: int | None = None
    assignee_id: int | None = Field(None, description="A user id; send `unassign: true` to clear.")
    unassign: bool = False
    team_id: int | None = None
    priority: str | None = None
    type: str | None = None
    tags: list[str] | None = None
    custom_fields: dict[str, Any] | None = None
