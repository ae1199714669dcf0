"""Who may open a figures page, and the request's cut as they may see it: the one copy every analytics page and
download uses (the API has its own answer shape, with the same cuts.parse and cuts.scope)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from opsdesk.accounts.capabilities import Capability, can
from opsdesk.analytics import cuts, query
from opsdesk.core.errors import ActionError

View = TypeVar("View", bound=Callable[..., Any])


def reads_figures(user: Any) -> bool:
    """Figures are for those who see reports or their own statistics."""
    return can(user, Capability.VIEW_REPORTS) or can(user, Capability.VIEW_OWN_STATS)


def figures_required(view: View) -> View:
    """A page of figures: sign-in for visitors, 403 for roles without figures (like accounts.capability_required,
    for either of two capabilities); the page reads its cuts' cells once (query.reading)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not reads_figures(request.user):
            raise PermissionDenied
        with query.reading():  # each measure of a cut read once per page
            return view(request, *args, **kwargs)

    return cast(View, wrapped)


def scoped(request: HttpRequest, params: Any = None, **defaults: Any) -> cuts.Request:
    """The request's cut and comparison (cuts.parse) as the user may see them (cuts.scope); 403 beyond it."""
    parsed = cuts.parse(request.GET if params is None else params, **defaults)
    try:
        cut = cuts.scope(request.user, parsed.cut)
        compare = cuts.scope(request.user, parsed.compare) if parsed.compare is not None else None
    except ActionError as error:
        raise PermissionDenied(error.message) from error
    return replace(parsed, cut=cut, compare=compare)
