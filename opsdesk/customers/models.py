"""Customers (end users), their contact points and notes, and customer organizations."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from opsdesk.core.models import TimeStampedModel
from opsdesk.customers.querysets import CustomerQuerySet, OrganizationQuerySet


class CustomerOrganization(TimeStampedModel):
    """A company whose people write to support; members may share ticket visibility."""

    name = models.CharField(_("name"), max_length=200)
    domains = models.JSONField(_("email domains"), default=list, blank=True)
    shared_tickets = models.BooleanField(_("members see each other's tickets"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [models.UniqueConstraint(Lower("name"), name="organization_name_unique")]

    def __str__(self) -> str:
        return self.name


class Customer(TimeStampedModel):
    """An end user who contacts support; may have a portal login (a User with role customer)."""

    name = models.CharField(_("name"), max_length=200)
    organization = models.ForeignKey(
        CustomerOrganization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customers",
        verbose_name=_("organization"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="customer"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    # The language was chosen by the customer or set by staff, not assumed: language detection of their messages
    # then leaves their tickets' language alone (docs/adr/0019-language-detection.md).
    language_confirmed = models.BooleanField(_("language confirmed"), default=False, db_default=False)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Helsinki")
    notes = models.TextField(_("notes"), blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["name", "id"]
        indexes: ClassVar = [models.Index(fields=["organization", "name"], name="customer_org_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def primary_email(self) -> str:
        emails = list(self.emails.all())
        for email in emails:
            if email.is_primary:
                return email.address
        return emails[0].address if emails else ""


class CustomerEmail(models.Model):
    """One of a customer's email addresses (stored lower-case, unique across customers)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="emails")
    address = models.EmailField(_("email"), unique=True)
    is_primary = models.BooleanField(default=False)
    # When the address's owner proved it is theirs (signed in through a link sent to it); until then it does not
    # join an organization by its domain.
    verified_at = models.DateTimeField(null=True, blank=True)
    # When mail to it last bounced (a delivery status notification said it cannot be delivered), and why.
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=200, blank=True, db_default="")

    class Meta:
        ordering: ClassVar = ["-is_primary", "address"]

    def __str__(self) -> str:
        return self.address


class CustomerPhone(models.Model):
    """One of a customer's phone numbers."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("phone"), max_length=40)
    label = models.CharField(_("label"), max_length=40, blank=True)

    def __str__(self) -> str:
        return self.number


class CustomerEvent(models.Model):
    """The customer's own timeline: created, updated, merged, note added, imported."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} on customer {self.customer_id}"
