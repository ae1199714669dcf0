"""Presentation helpers: status and priority badges, timeline sentences."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy, ngettext_lazy

from opsdesk.core import languages

register = template.Library()

PRIORITY_LABELS = {
    "low": gettext_lazy("Low"),
    "normal": gettext_lazy("Normal"),
    "high": gettext_lazy("High"),
    "urgent": gettext_lazy("Urgent"),
}

CUSTOMER_EVENTS = {
    "customer.created": gettext_lazy("Customer created"),
    "customer.updated": gettext_lazy("Details changed"),
    "customer.imported": gettext_lazy("Imported from a CSV file"),
    "customer.merged": gettext_lazy("Customers merged"),
    "note.added": gettext_lazy("Note added"),
    "email.verified": gettext_lazy("Email address verified"),
}


@register.filter
def language_name(code: str | None) -> str:
    """A language code as its name in the reader's language ("Russian", "venäjä"), for sentences."""
    return languages.name(code)


@register.filter
def customer_event(kind: str) -> str:
    return str(CUSTOMER_EVENTS.get(kind, kind))


@register.filter
def status_label(status: Any) -> str:
    """A status's name in the reader's language (translatable settings, ADR 0012)."""
    return str(getattr(status, "display_name", status))


@register.simple_tag
def status_badge(status: Any) -> SafeString:
    # Plain escaping, not format_html: this runs for every row of every list.
    return mark_safe(f'<span class="badge cat-{escape(status.category)}">{escape(status_label(status))}</span>')  # noqa: S308


@register.simple_tag
def priority_text(ticket: Any) -> SafeString:
    label = PRIORITY_LABELS.get(ticket.priority, ticket.priority)
    return mark_safe(f'<span class="prio-{escape(ticket.priority)}">{escape(label)}</span>')  # noqa: S308


@register.simple_tag(takes_context=True)
def query_with(context: Any, **kwargs: Any) -> str:
    """The current query string with some parameters replaced (empty value: removed)."""
    params = context["request"].GET.copy()
    params.pop("cursor", None)
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter
def cleaned(value: str) -> SafeString:
    """Stored message HTML was cleaned on the way in; clean it again on the way out instead of trusting `|safe`."""
    from django.utils.safestring import mark_safe

    from opsdesk.core.html import clean_html

    return mark_safe(clean_html(value or ""))  # noqa: S308 - nh3 output


_STORED_FOLD = "<details><summary>…</summary>"  # how the e-mail intake stores a reply's quoted text and signature
_TRAILING_QUOTE = re.compile(r"(<blockquote>.*</blockquote>)\s*$", re.DOTALL)


@register.filter
def message_body(value: str) -> SafeString:
    """A message as the conversation shows it: cleaned (as `cleaned`), with quoted text and signatures folded under
    a "•••" button that names what it opens: the part the e-mail intake folded, or a quote closing the message."""
    from opsdesk.core.html import clean_html

    html = clean_html(value or "")
    label = escape(gettext("Show quoted text and signature"))
    summary = (
        f'<details class="quoted"><summary title="{label}">'
        f'<span aria-hidden="true">•••</span><span class="sr-only">{label}</span></summary>'
    )
    if _STORED_FOLD in html:
        html = html.replace(_STORED_FOLD, summary)
    elif "<details" not in html:
        html = _TRAILING_QUOTE.sub(lambda found: summary + found.group(1) + "</details>", html, count=1)
    return mark_safe(html)  # noqa: S308 - nh3 output, and a summary of escaped text


@register.filter
def lookup(mapping: dict[str, Any], key: str) -> Any:
    """`{{ labels|lookup:key }}`: a dictionary value by key, or the key itself."""
    return mapping.get(key, key) if isinstance(mapping, dict) else key


@register.filter
def mail_error(text: str) -> str:
    """An outgoing mail's last error in the reader's language when OpsDesk wrote it (core.outbox.mail_error)."""
    from opsdesk.core.outbox import mail_error as translated

    return translated(text or "")


RELATIVE_DAYS = 7  # within a week a time reads "3 hours ago"; older ones read as the date
# (seconds in the unit, up to how many seconds it is used, "… ago", "in …")
RELATIVE_UNITS = (
    (60, 3600, ngettext_lazy("%(counter)s min ago", "%(counter)s min ago", "counter"),
     ngettext_lazy("in %(counter)s min", "in %(counter)s min", "counter")),
    (3600, 86400, ngettext_lazy("%(counter)s hour ago", "%(counter)s hours ago", "counter"),
     ngettext_lazy("in %(counter)s hour", "in %(counter)s hours", "counter")),
    (86400, RELATIVE_DAYS * 86400, ngettext_lazy("%(counter)s day ago", "%(counter)s days ago", "counter"),
     ngettext_lazy("in %(counter)s day", "in %(counter)s days", "counter")),
)  # fmt: skip


@register.simple_tag
def moment(value: Any) -> SafeString:
    """A time as people read it on every page: "3 hours ago" within a week, else the date and time in the
    language's one format (formats/), always with the exact time on hover and for machines; never wraps."""
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import gettext

    if value is None:
        return mark_safe("—")
    exact = date_format(timezone.localtime(value), "DATETIME_FORMAT")
    now = timezone.now()
    seconds = abs((now - value).total_seconds())
    shown = gettext("just now") if seconds < 60 else exact
    for unit, below, ago, ahead in RELATIVE_UNITS:
        if 60 <= seconds < below:
            phrase = ago if value <= now else ahead
            shown = phrase % {"counter": int(seconds // unit)}
            break
    return mark_safe(
        f'<time class="moment" datetime="{escape(value.isoformat())}" title="{escape(exact)}">{escape(shown)}</time>'
    )


@register.filter
def day_input(value: Any) -> str:
    """A date as a date field shows it: the way the active language types dates (core.dates.day_formats)."""
    from datetime import date

    from opsdesk.core.dates import day_formats

    if isinstance(value, str):  # an ISO day kept for links (2026-12-31)
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return value.strftime(day_formats()[0]) if hasattr(value, "strftime") else (value or "")


@register.simple_tag
def day_placeholder() -> str:
    """The example date a date field shows while empty (core.dates.day_example)."""
    from opsdesk.core.dates import day_example

    return day_example()


@register.filter
def percent(share: float | None, digits: int = 1) -> str:
    """A fraction as a percentage in the reader's number format (0.8725 → "87.3 %", "87,3 %"); "—" without one, "∞"
    for an infinite one."""
    from django.template.defaultfilters import floatformat

    if share is None:
        return "—"
    if share in (float("inf"), float("-inf")):
        return "∞"
    return f"{floatformat(share * 100, digits)} %"
