"""The websites a chat widget or a web form may be used on: one rule for both, because both lists end up in
response headers (CORS's Access-Control-Allow-Origin, CSP's frame-ancestors)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from opsdesk.core.errors import ActionError

# An origin as a browser sends it: scheme, host, optional port; nothing else (no path, no user name, no wildcard, no
# space or ";" that could add a directive to a policy).
ORIGIN = re.compile(
    r"https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?::[0-9]{1,5})?"
)
MAX_ORIGINS = 20


def clean_origins(values: Iterable[str]) -> list[str]:
    """`https://shop.example` style origins, lower-cased, without duplicates; a clear error for anything else."""
    out: list[str] = []
    for raw in values:
        text = (raw or "").strip().lower().rstrip("/")
        if not text:
            continue
        if not ORIGIN.fullmatch(text) or (":" in text[8:] and not 0 < int(text.rsplit(":", 1)[1]) < 65536):
            raise ActionError(
                "invalid_origin",
                _("%(value)s is not a website address such as https://shop.example.com.") % {"value": text[:100]},
                field="allowed_origins",
                status=422,
            )
        if text not in out:
            out.append(text)
    if len(out) > MAX_ORIGINS:
        raise ActionError(
            "too_many_origins",
            _("Use at most %(n)d websites.") % {"n": MAX_ORIGINS},
            field="allowed_origins",
            status=422,
        )
    return out
