"""Customers and organizations in the REST API."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, prefetch_related_objects
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from opsdesk.accounts.models import User
from opsdesk.core.errors import ActionError
from opsdesk.core.params import MAX_INT
from opsdesk.core.schemas import ERRORS
from opsdesk.customers import actions
from opsdesk.customers.models import Customer, CustomerOrganization
from opsdesk.customers.schemas import CustomerIn, CustomerOut, CustomerPage, OrganizationOut

router = Router(tags=["customers"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


@router.get("/customers/", response={200: CustomerPage, **ERRORS}, summary="List customers (newest first)")
def customer_list(
    request: HttpRequest,
    q: str | None = Query(None, description="Part of a name or an email address."),
    organization_id: int | None = Query(None, ge=1, le=MAX_INT),
    after: int | None = Query(None, ge=1, le=MAX_INT, description="The `next_cursor` of the previous page."),
    limit: int = Query(50, ge=1, le=100),
) -> dict[str, Any]:
    qs = Customer.objects.visible_to(_user(request)).active()
    if q and q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(emails__address__icontains=q.strip().lower())).distinct()
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    if after is not None:
        qs = qs.filter(pk__lt=after)
    rows = list(qs.order_by("-pk")[: limit + 1])
    page = rows[:limit]
    prefetch_related_objects(page, "emails", "phones")
    return {"items": page, "next_cursor": page[-1].pk if len(rows) > limit else None}


@router.get("/customers/{customer_id}", response={200: CustomerOut, **ERRORS}, summary="One customer")
def customer_detail(request: HttpRequest, customer_id: int) -> Customer:
    return get_object_or_404(Customer.objects.visible_to(_user(request)), pk=customer_id)


@router.post("/customers/", response={201: CustomerOut, **ERRORS}, summary="Create a customer")
def customer_create(request: HttpRequest, payload: CustomerIn) -> Status[Customer]:
    user = _user(request)
    organization = None
    if payload.organization_id is not None:
        organization = CustomerOrganization.objects.filter(pk=payload.organization_id).first()
        if organization is None:
            raise ActionError("unknown_organization", _("No such organization."), field="organization_id", status=422)
    customer = actions.create_customer(
        name=payload.name,
        emails=payload.emails,
        phones=payload.phones,
        organization=organization,
        language=payload.language,
        time_zone=payload.time_zone,
        notes=payload.notes,
        actor=user,
    )
    return Status(201, customer)


@router.get("/organizations/", response={200: list[OrganizationOut], **ERRORS}, summary="Organizations by name")
def organization_list(request: HttpRequest, q: str | None = None) -> list[CustomerOrganization]:
    qs = CustomerOrganization.objects.visible_to(_user(request))
    if q and q.strip():
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("name")[:500])


@router.get("/organizations/{organization_id}", response={200: OrganizationOut, **ERRORS}, summary="One organization")
def organization_detail(request: HttpRequest, organization_id: int) -> CustomerOrganization:
    return get_object_or_404(CustomerOrganization.objects.visible_to(_user(request)), pk=organization_id)
