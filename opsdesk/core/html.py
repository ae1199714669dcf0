"""Sanitising customer and agent HTML before it is stored."""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "details",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
_TAG = re.compile(r"<[^>]+>")
_BLANKS = re.compile(r"\n{3,}")


def clean_html(value: str) -> str:
    """Return HTML that keeps formatting and links but nothing that runs or loads."""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def text_to_html(value: str) -> str:
    """Turn plain text (a textarea, an email's text part) into safe paragraphs; blank lines separate them, whatever
    the line endings (a browser's textarea sends CRLF)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [p for p in re.split(r"\n(?:[^\S\n]*\n)+", value.strip()) if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


def html_to_text(value: str) -> str:
    """A plain-text rendering for search, previews and text emails."""
    text = re.sub(r"</p>|</h\d>", "\n\n", value, flags=re.IGNORECASE)  # a paragraph ends with a blank line
    text = re.sub(r"<br\s*/?>|</div>|</li>|</tr>", "\n", text, flags=re.IGNORECASE)
    text = html.unescape(_TAG.sub("", text))
    return _BLANKS.sub("\n\n", text).strip()
