"""API schemas for customers and organizations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class CustomerOut(Schema):
    id: int
    name: str
    emails: list[str]
    phones: list[str]
    organization_id: int | None
    language: str
    time_zone: str
    custom_fields: dict[str, Any]
    merged_into_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_emails(obj: Any) -> list[str]:
        return [email.address for email in obj.emails.all()]

    @staticmethod
    def resolve_phones(obj: Any) -> list[str]:
        return [phone.number for phone in obj.phones.all()]


class CustomerPage(Schema):
    items: list[CustomerOut]
    next_cursor: int | None = Field(None, description="Pass as `after` for the next page; null on the last page.")


class CustomerIn(Schema):
    name: str = Field("", max_length=200)
    emails: list[str] = Field([], max_length=20)
    phones: list[str] = Field([], max_length=20)
    organization_id: int | None = None
    language: str = "en"
    time_zone: str = "Europe/Helsinki"
    notes: str = Field("", max_length=10_000)


class OrganizationOut(Schema):
    id: int
    name: str
    domains: list[str]
    shared_tickets: bool
    created_at: datetime
    updated_at: datetime
