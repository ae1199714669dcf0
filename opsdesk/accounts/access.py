"""Decorators for who may open a page: staff, admins, or managers and admins."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from opsdesk.accounts.capabilities import Capability, can
from opsdesk.accounts.models import Role

View = Callable[..., Any]


def roles_required(*roles: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if getattr(request.user, "role", None) not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def capability_required(capability: Capability) -> Callable[[View], View]:
    """A page for those who hold `capability` (accounts.capabilities); visitors are sent to sign in."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = capability_required(Capability.USE_WORKSPACE)
customer_required = capability_required(Capability.USE_PORTAL)
signed_in_required = roles_required(*Role.values)
