"""Who may open a figures page, and the request's cut as they may see it: the one copy every analytics page and
download uses (the API has its own answer shape, with the same cuts.parse and cuts.scope)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from opsdesk.accounts.capabilities import Capability, can
from opsdesk.analytics import cuts
from opsdesk.core.errors import ActionError


def reads_figures(user: Any) -> bool:
    """Figures are for those who see reports or their own statistics."""
    return can(user, Capability.VIEW_REPORTS) or can(user, Capability.VIEW_OWN_STATS)


def refuse_unless_reader(request: HttpRequest) -> HttpResponse | None:
    """Sign-in for visitors, 403 for roles without figures, None for readers."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not reads_figures(request.user):
        raise PermissionDenied
    return None


def scoped(request: HttpRequest, params: Any = None, **defaults: Any) -> cuts.Request:
    """The request's cut and comparison (cuts.parse) as the user may see them (cuts.scope); 403 beyond it."""
    parsed = cuts.parse(request.GET if params is None else params, **defaults)
    try:
        cut = cuts.scope(request.user, parsed.cut)
        compare = cuts.scope(request.user, parsed.compare) if parsed.compare is not None else None
    except ActionError as error:
        raise PermissionDenied(error.message) from error
    return replace(parsed, cut=cut, compare=compare)
