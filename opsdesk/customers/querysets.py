"""Who may see which customers and organizations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.customers.models import Customer, CustomerOrganization  # noqa: F401


class CustomerQuerySet(models.QuerySet["Customer"]):
    def visible_to(self, user: User) -> Self:
        from opsdesk.accounts.models import Role

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.CUSTOMER:
            return self.filter(user=user)
        return self

    def active(self) -> Self:
        return self.filter(merged_into__isnull=True)


class OrganizationQuerySet(models.QuerySet["CustomerOrganization"]):
    def visible_to(self, user: User) -> Self:
        from opsdesk.accounts.models import Role

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.CUSTOMER:
            return self.filter(customers__user=user)
        return self
