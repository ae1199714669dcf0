"""The error an action raises when a business rule refuses a change."""

from __future__ import annotations

from django.utils.functional import Promise


class ActionError(Exception):
    """A refused write: a stable machine code, a translated message and optionally the field at fault."""

    def __init__(self, code: str, message: str | Promise, *, field: str | None = None, status: int = 409):
        super().__init__(str(message))
        self.code = code
        self.message = str(message)
        self.field = field
        self.status = status


def invalid_input(field: str, message: str | Promise) -> ActionError:
    """A value an action cannot take, named by its field (a 422: the form shows it on that field)."""
    return ActionError("invalid_input", message, field=field, status=422)
