"""Logging filters, configured by settings.LOGGING before the apps load (so this module imports no model)."""

from __future__ import annotations

import logging


class OneLineForbidden(logging.Filter):
    """On `django.request`: a 403 is an expected refusal, logged as one line (method, path, user id, reason)
    instead of a warning with the whole traceback. Every other record, 500s included, passes unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 403 or getattr(record, "one_line", False):
            return True  # (a second django.setup(), as in a WSGI test, attaches the filter twice)
        request = getattr(record, "request", None)
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            reason = type(error).__name__ + (f": {error}" if str(error) else "")
        else:
            reason = record.getMessage().split(":")[0]
        # the user the request already loaded, if any: a log filter never queries the database
        user = getattr(request, "_cached_user", None)
        user_id = user.pk if user is not None and user.is_authenticated else "-"
        record.msg = "Forbidden: %s %s user=%s reason=%s"
        record.args = (getattr(request, "method", "-"), getattr(request, "path", "-"), user_id, reason)
        record.exc_info = None
        record.exc_text = None
        record.one_line = True
        return True
