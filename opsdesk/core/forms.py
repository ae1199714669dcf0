"""Forms that apply an action and turn its ActionError into a form error."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django import forms

from opsdesk.core.errors import ActionError


class ActionForm(forms.Form):
    """A form whose cleaned fields are the keyword arguments of one action."""

    def apply(self, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return action(*args, **self.cleaned_data, **kwargs)
        except ActionError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
            return None


def submission_field() -> forms.CharField:
    """A hidden one-time token, new each time a form is shown: the action records it with what it wrote, so a
    double click or a resent request becomes the same ticket or reply, not a second one."""
    return forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=64, initial=lambda: secrets.token_urlsafe(18)
    )
