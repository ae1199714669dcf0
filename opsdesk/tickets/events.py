"""The registry of ticket event kinds: for each, its payload's fields and types, the one constructor that checks a
payload, the one serialiser (the actions and the bulk seeder write the same JSON), and the one renderer that turns
an event into a sentence on the timeline in the reader's language.

Kinds and payload keys are those of METRICS.md §0.1; the kinds OpsDesk adds follow the same `<noun>.<past tense>`
pattern. `docs/events.md` is generated from this module (`opsdesk event-schema`), and a test keeps it current,
because webhooks, exports and analytics expose these payloads to users.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from opsdesk.core import languages
from opsdesk.core.origin import SOURCES

Names = Mapping[str, Mapping[Any, Any]]

# Field types: the JSON type and whether null is allowed.
INT, STR, BOOL, INT_LIST, STR_LIST, OBJECT = "integer", "string", "boolean", "integer[]", "string[]", "object"

_CHECKS: dict[str, Callable[[Any], bool]] = {
    INT: lambda v: isinstance(v, int) and not isinstance(v, bool),
    STR: lambda v: isinstance(v, str),
    BOOL: lambda v: isinstance(v, bool),
    INT_LIST: lambda v: isinstance(v, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in v),
    STR_LIST: lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v),
    OBJECT: lambda v: isinstance(v, dict),
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    doc: str
    nullable: bool = False
    ref: str = ""  # the kind of object an id names (user, team, customer, status), for the timeline's names


@dataclass(frozen=True)
class Kind:
    name: str
    doc: str
    fields: tuple[Field, ...]
    render: Callable[[dict[str, Any], Names], str]

    def build(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The payload in declared order, after checking that every field is there with its type, and no other."""
        unknown = set(payload) - {f.name for f in self.fields}
        if unknown:
            raise ValueError(f"{self.name}: unknown payload fields {sorted(unknown)}")
        built: dict[str, Any] = {}
        for field in self.fields:
            if field.name not in payload:
                raise ValueError(f"{self.name}: missing payload field {field.name!r}")
            value = payload[field.name]
            if value is None and field.nullable:
                built[field.name] = None
                continue
            if not _CHECKS[field.type](value):
                raise ValueError(f"{self.name}: {field.name!r} must be {field.type}, not {value!r}")
            built[field.name] = value
        return built


def serialise(payload: dict[str, Any]) -> str:
    """The JSON text of a built payload, exactly as the actions store it (Django's JSONField uses json.dumps)."""
    return json.dumps(payload)


def template(kind: str) -> str:
    """A %-format string of the payload's JSON, for the bulk seeder's hot path (a million tickets, eight events each):
    `template(kind) % values`, one value per field in declared order. Integers are `%d` (`%s` with "null" when
    nullable), booleans `%s` with "true"/"false", strings `"%s"` (plain ASCII words only: enum values). A test holds
    it to `serialise(build(...))` for every kind the seeder writes."""
    parts = []
    for field in KINDS[kind].fields:
        if field.type == STR:
            value = '"%s"'
        elif field.type == INT and not field.nullable:
            value = "%d"
        else:
            value = "%s"
        parts.append(f'"{field.name}": {value}')
    return "{" + ", ".join(parts) + "}"


# --- renderers -------------------------------------------------------------------------------------------------------


def _name(names: Names, kind: str, pk: Any) -> str:
    if pk is None:
        return _("nobody") if kind == "user" else _("none")
    return str(names.get(kind, {}).get(int(pk), f"#{pk}"))


def _choice(names: Names, kind: str, value: Any) -> str:
    return str(names.get(kind, {}).get(value, value))


def _created(d: dict[str, Any], names: Names) -> str:
    return _("Ticket created via %(channel)s") % {"channel": _choice(names, "channel", d.get("channel"))}


def _comment(d: dict[str, Any], names: Names) -> str:
    if d.get("visibility") == "internal":
        return _("Internal note added")
    if d.get("author_role") == "end_user":
        return _("Customer wrote")
    if d.get("is_automated"):
        return _("Automatic reply sent")
    return _("Public reply sent")


def _status(d: dict[str, Any], names: Names) -> str:
    return _("Status: %(old)s → %(new)s") % {
        "old": _name(names, "status", d.get("from_status")),
        "new": _name(names, "status", d.get("to_status")),
    }


def _change(sentence: Callable[[], str], kind: str, *, choice: bool = False) -> Callable[[dict[str, Any], Names], str]:
    """A field's old and new value in a whole sentence per field (word order differs between languages)."""

    def render(d: dict[str, Any], names: Names) -> str:
        show = _choice if choice else _name
        return sentence() % {"old": show(names, kind, d.get("old")), "new": show(names, kind, d.get("new"))}

    return render


def _tags(d: dict[str, Any], names: Names) -> str:
    added = sorted(set(d.get("new", [])) - set(d.get("old", [])))
    removed = sorted(set(d.get("old", [])) - set(d.get("new", [])))
    parts = []
    if added:
        parts.append(_("tags added: %(tags)s") % {"tags": ", ".join(added)})
    if removed:
        parts.append(_("tags removed: %(tags)s") % {"tags": ", ".join(removed)})
    return "; ".join(parts) or _("Tags changed")


def _subject(d: dict[str, Any], names: Names) -> str:
    return _("Subject: %(old)s → %(new)s") % {"old": d.get("old", ""), "new": d.get("new", "")}


def _requester(d: dict[str, Any], names: Names) -> str:
    return _("Requester: %(old)s → %(new)s") % {
        "old": _name(names, "customer", d.get("old")),
        "new": _name(names, "customer", d.get("new")),
    }


def _email_received(d: dict[str, Any], names: Names) -> str:
    address = d.get("mailbox") or pgettext("email address", "an unknown address")
    sentences = {
        "message_id": _("Received by email to %(address)s; threaded by our Message-ID in its references"),
        "reply_address": _("Received by email to %(address)s; threaded by the reply address"),
        "body_token": _("Received by email to %(address)s; threaded by the reference in its text"),
        "subject": _("Received by email to %(address)s; threaded by the ticket number in its subject"),
        "new": _("Received by email to %(address)s; it opened this ticket"),
    }
    sentence = sentences.get(d.get("thread_reason", ""), _("Received by email to %(address)s"))
    return sentence % {"address": address}


def _language(d: dict[str, Any], names: Names) -> str:
    """One whole sentence per outcome (word order and punctuation differ between languages: Greek's semicolon is
    a question mark)."""
    code, fallback = d.get("language"), d.get("fallback") or ""
    values = {
        "language": languages.name(code),
        "percent": d.get("confidence") or 0,
        "ticket_language": languages.name(d.get("ticket_language")),
        "mailbox_language": languages.name(d.get("mailbox_language")),
    }
    if code:
        if d.get("applied"):
            return _("Language detected: %(language)s (%(percent)d %%); the ticket's language is now %(language)s") % (
                values
            )
        if fallback == "known":
            return (
                _(
                    "Language detected: %(language)s (%(percent)d %%); the customer's language is known, so the ticket "
                    "stays in %(ticket_language)s"
                )
                % values
            )
        if fallback == "unsupported":
            return (
                _(
                    "Language detected: %(language)s (%(percent)d %%); not a language of the interface, so the ticket "
                    "stays in %(ticket_language)s"
                )
                % values
            )
        return _("Language detected: %(language)s (%(percent)d %%)") % values
    reasons = {
        "short": _("text too short"),
        "mixed": _("written in several languages"),
        "uncertain": _("no language is clear enough"),
    }
    values["reason"] = reasons.get(fallback, fallback)
    if d.get("mailbox_language"):
        return _("Language not detected: %(reason)s; using the mailbox's default, %(mailbox_language)s") % values
    return _("Language not detected: %(reason)s") % values


def _const(text: Callable[[], str]) -> Callable[[dict[str, Any], Names], str]:
    return lambda d, names: text()


def _old_new(ref: str) -> tuple[Field, ...]:
    return (
        Field("old", INT, "Id before the change.", True, ref=ref),
        Field("new", INT, "Id after the change.", True, ref=ref),
    )


def duration_text(seconds: int | None) -> str:
    """A call's length as people say it: "45 s", "4 min 12 s", "1 h 5 min"."""
    seconds = max(0, int(seconds or 0))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    if minutes:
        return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": secs}
    return _("%(seconds)d s") % {"seconds": secs}


def _call(d: dict[str, Any], names: Names) -> str:
    number, outcome, agent = d.get("number", ""), d.get("outcome", ""), d.get("agent")
    values = {
        "number": number,
        "agent": _name(names, "user", agent),
        "talk": duration_text(d.get("talk_seconds")),
        "wait": duration_text(d.get("wait_seconds")),
    }
    inbound = d.get("direction") != "outbound"
    if outcome == "answered" and agent is not None:
        text = (
            _("Inbound call from %(number)s, answered by %(agent)s, %(talk)s")
            if inbound
            else _("Outbound call to %(number)s by %(agent)s, %(talk)s")
        )
    elif outcome == "answered":
        text = (
            _("Inbound call from %(number)s, answered, %(talk)s")
            if inbound
            else _("Outbound call to %(number)s, answered, %(talk)s")
        )
    elif outcome == "abandoned":
        text = _("Inbound call from %(number)s, abandoned after %(wait)s")
    elif outcome == "missed":
        text = _("Missed inbound call from %(number)s") if inbound else _("Outbound call to %(number)s, not answered")
    elif outcome == "voicemail":
        text = _("Voicemail from %(number)s") if inbound else _("Outbound call to %(number)s, voicemail left")
    else:
        text = _("Call with %(number)s in progress")
    return text % values


_OLD_NEW_STR = (Field("old", STR, "Value before the change."), Field("new", STR, "Value after the change."))

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "ticket.created",
            "A ticket was opened, from any channel, or split off another ticket.",
            (
                Field("channel", STR, "Where it came from: email, web, portal, chat, phone, api, agent."),
                Field("created_by", STR, "end_user, agent or system."),
                Field("requester", INT, "The requester (customer id)."),
                Field("group", INT, "The team (METRICS.md's group), if any.", True),
                Field("priority", STR, "low, normal, high or urgent."),
                Field("status", INT, "The first status (id)."),
                Field("category", STR, "That status's category."),
                Field("assignee", INT, "The first assignee (user id), if any.", True),
                Field("followup_of", INT, "The closed ticket this one follows up, if any.", True),
                Field("split_from", INT, "The ticket a message was split off from, if any.", True),
            ),
            _created,
        ),
        Kind(
            "comment.added",
            "A message was added: a public reply, a customer's message or an internal note.",
            (
                Field("comment", INT, "The message id."),
                Field("author", INT, "The staff user who wrote it; null for customers and automation.", True),
                Field("author_role", STR, "end_user, agent, system or bot."),
                Field("visibility", STR, "public or internal."),
                Field("is_automated", BOOL, "Written by a rule or the system, not a person."),
                Field("channel", STR, "The channel it came in or went out on."),
                Field("via", STR, "ui, api, portal, followup, merge, split, macro, trigger, …"),
            ),
            _comment,
        ),
        Kind(
            "status.changed",
            "The status changed (METRICS.md §1 transitions).",
            (
                Field("from_status", INT, "The old status (id).", ref="status"),
                Field("to_status", INT, "The new status (id).", ref="status"),
                Field("from_category", STR, "The old status's category."),
                Field("to_category", STR, "The new status's category."),
            ),
            _status,
        ),
        Kind(
            "priority.changed",
            "The priority changed.",
            _OLD_NEW_STR,
            _change(lambda: _("Priority: %(old)s → %(new)s"), "priority", choice=True),
        ),
        Kind(
            "group.changed",
            "The team changed.",
            _old_new("team"),
            _change(lambda: _("Team: %(old)s → %(new)s"), "team"),
        ),
        Kind(
            "assignee.changed",
            "The assignee changed.",
            _old_new("user"),
            _change(lambda: _("Assignee: %(old)s → %(new)s"), "user"),
        ),
        Kind(
            "tags.changed",
            "The tags changed.",
            (Field("old", STR_LIST, "Tags before, sorted."), Field("new", STR_LIST, "Tags after, sorted.")),
            _tags,
        ),
        Kind(
            "type.changed",
            "The type changed.",
            _OLD_NEW_STR,
            _change(lambda: _("Type: %(old)s → %(new)s"), "type", choice=True),
        ),
        Kind("subject.changed", "The subject changed.", _OLD_NEW_STR, _subject),
        Kind(
            "fields.changed",
            "Custom field values changed.",
            (Field("old", OBJECT, "Values before, by field key."), Field("new", OBJECT, "Values after, by field key.")),
            _const(lambda: _("Fields changed")),
        ),
        Kind(
            "followers.changed",
            "Followers were added or removed.",
            (Field("added", INT_LIST, "User ids added."), Field("removed", INT_LIST, "User ids removed.")),
            _const(lambda: _("Followers changed")),
        ),
        Kind(
            "requester.changed",
            "The requester changed (for example when two customers were merged).",
            (
                Field("old", INT, "The old requester (customer id).", ref="customer"),
                Field("new", INT, "The new requester.", ref="customer"),
            ),
            _requester,
        ),
        Kind(
            "organization.changed",
            "The ticket's organization changed (it follows the requester's, e.g. when customers were merged).",
            _old_new("organization"),
            _change(lambda: _("Organization: %(old)s → %(new)s"), "organization"),
        ),
        Kind(
            "ticket.merged",
            "A ticket was merged into another; recorded on both.",
            (Field("source", INT, "The ticket merged away."), Field("target", INT, "The ticket it went into.")),
            lambda d, names: (
                _("Merged: #%(source)s into #%(target)s") % {"source": d.get("source"), "target": d.get("target")}
            ),
        ),
        Kind(
            "ticket.linked",
            "Two tickets were linked; recorded on both.",
            (Field("other", INT, "The other ticket."), Field("kind", STR, "related or split_from.")),
            lambda d, names: _("Linked with #%(n)s") % {"n": d.get("other")},
        ),
        Kind(
            "ticket.split",
            "A message was moved out into a new ticket.",
            (Field("comment", INT, "The message moved."), Field("new_ticket", INT, "The ticket it went to.")),
            lambda d, names: _("A message was split into #%(n)s") % {"n": d.get("new_ticket")},
        ),
        Kind(
            "attachment.added",
            "A file was attached with a message.",
            (
                Field("attachment", INT, "The attachment id."),
                Field("comment", INT, "The message it came with."),
                Field("filename", STR, "Its file name."),
                Field("size", INT, "Its size in bytes."),
            ),
            lambda d, names: _("File attached: %(name)s") % {"name": d.get("filename", "")},
        ),
        # --- live chat (messaging/actions/chat.py) ---
        Kind(
            "chat.started",
            "A visitor started a live chat from a chat widget; the ticket is the chat.",
            (
                Field("session", INT, "The chat session id."),
                Field("widget", INT, "The chat widget it was started from."),
                Field("language", STR, "The language the visitor chose."),
            ),
            lambda d, names: _("Live chat started"),
        ),
        Kind(
            "chat.accepted",
            "An agent took a waiting live chat.",
            (
                Field("session", INT, "The chat session id."),
                Field("agent", INT, "The agent who took it (user id).", ref="user"),
                Field("wait_seconds", INT, "Seconds the visitor waited from the start."),
            ),
            lambda d, names: _("Live chat taken by %(agent)s") % {"agent": _name(names, "user", d.get("agent"))},
        ),
        Kind(
            "chat.ended",
            "A live chat ended.",
            (
                Field("session", INT, "The chat session id."),
                Field("ended_by", STR, "visitor, agent or system."),
                Field("duration_seconds", INT, "Seconds from the start to the end."),
            ),
            lambda d, names: _("Live chat ended"),
        ),
        Kind(
            "chat.transcript_sent",
            "The visitor asked for the chat's transcript by email; it was queued in the outbox.",
            (Field("session", INT, "The chat session id."), Field("mail", INT, "The outgoing mail id.")),
            lambda d, names: _("Chat transcript emailed to the customer"),
        ),
        # --- email (issue 9) ---
        Kind(
            "email.received",
            "A message came in by email and became a ticket's message; how it was threaded, and what was filtered.",
            (
                Field("comment", INT, "The message it became."),
                Field("inbound", INT, "The stored raw message (inbound email id)."),
                Field("mailbox", STR, "The address it was sent to (the mailbox's), or empty when none matched."),
                Field(
                    "thread_reason",
                    STR,
                    "How its ticket was found: message_id (our Message-ID in its references), reply_address, "
                    "body_token, subject (the number, from a participant), or new (it opened the ticket).",
                ),
                Field("message_id", STR, "Its Message-ID header, with <>; empty when it had none."),
                Field("automatic", STR_LIST, "Why it counts as automatic (auto-submitted, precedence, list, …)."),
                Field("blocked", STR_LIST, "Attachments not kept, as `name (reason)`."),
                Field("cc", INT_LIST, "Customers it was copied to who joined the ticket's CC list."),
            ),
            _email_received,
        ),
        # --- language detection (messaging/consumers.py, tickets/actions/language.py) ---
        Kind(
            "language.detected",
            "The language of a customer's message was detected (or could not be), and the ticket's language set from "
            "it unless the customer's language is known (docs/adr/0019-language-detection.md).",
            (
                Field("comment", INT, "The message id."),
                Field("language", STR, "The detected language (ISO 639-1), or null when none was clear.", True),
                Field("confidence", INT, "lingua's confidence in the most likely language, in percent (0-100)."),
                Field("applied", BOOL, "Whether the ticket's language was changed by this event."),
                Field(
                    "fallback",
                    STR,
                    "Why the detected language was not used: short, mixed or uncertain (no language), known (the "
                    "customer's language is known), unsupported (not a language of the interface); null when used.",
                    True,
                ),
                Field("mailbox_language", STR, "The mailbox's default language used instead, if it was.", True),
                Field("ticket_language", STR, "The ticket's language after this event."),
            ),
            _language,
        ),
        # --- phone calls (messaging/actions/calls.py) ---
        Kind(
            "call.logged",
            "A phone call was linked to the ticket (logged by an agent or posted by a telephony system).",
            (
                Field("call", INT, "The call record id."),
                Field("direction", STR, "inbound or outbound."),
                Field("number", STR, "The customer's number (the caller's, or the one dialled), E.164 where known."),
                Field("outcome", STR, "answered, missed, abandoned, voicemail; empty while the call goes on."),
                Field("agent", INT, "The agent on the call (user id), if any.", True, ref="user"),
                Field("wait_seconds", INT, "From offered to answered (unanswered: to the end).", True),
                Field("talk_seconds", INT, "From answered to ended, less hold.", True),
            ),
            _call,
        ),
    )
}


def register(*kinds: Kind) -> None:
    """Add the kinds another app writes (SLA clocks: opsdesk/sla/events.py) to the one registry, at start-up."""
    for kind in kinds:
        if kind.name in KINDS and KINDS[kind.name] is not kind:
            if KINDS[kind.name].fields == kind.fields and KINDS[kind.name].doc == kind.doc:
                continue  # registered again (a second ready() in tests)
            raise ValueError(f"Ticket event kind {kind.name!r} is registered twice")
        KINDS[kind.name] = kind


def build(kind: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The checked payload of an event of `kind` (ValueError for an unknown kind or a wrong payload)."""
    try:
        spec = KINDS[kind]
    except KeyError:
        raise ValueError(f"Unknown ticket event kind {kind!r}") from None
    return spec.build(payload)


def referenced_ids(rows: Iterable[Any]) -> dict[str, set[int]]:
    """The ids each kind of object that these events name (users, teams, customers, statuses), to look up at once."""
    found: dict[str, set[int]] = {}
    for row in rows:
        spec = KINDS.get(row.kind)
        for field in spec.fields if spec else ():
            value = (row.data or {}).get(field.name)
            if field.ref and isinstance(value, int):
                found.setdefault(field.ref, set()).add(value)
            elif field.ref and isinstance(value, list):
                found.setdefault(field.ref, set()).update(v for v in value if isinstance(v, int))
    return found


def render(kind: str, data: dict[str, Any], names: Names) -> str:
    """One translated sentence for a timeline row (an unknown kind, e.g. from a newer version, shows its name)."""
    spec = KINDS.get(kind)
    return spec.render(data or {}, names) if spec else kind


def source_label(source: str) -> str:
    labels = {
        "ui": pgettext("event source", "agent page"),
        "api": pgettext("event source", "API"),
        "portal": pgettext("event source", "portal"),
        "email": pgettext("event source", "email"),
        "chat": pgettext("event source", "chat"),
        "phone": pgettext("event source", "phone"),
        "automation": pgettext("event source", "automation"),
        "sla": pgettext("event source", "SLA"),
        "import": pgettext("event source", "import"),
        "system": pgettext("event source", "system"),
    }
    return labels.get(source, source)


def schema_markdown() -> str:
    """docs/events.md: every kind with its payload fields, generated from the registry."""
    lines = [
        "# Ticket events",
        "",
        "Generated from `opsdesk/tickets/events.py` by `opsdesk event-schema`; do not edit by hand.",
        "",
        "Every event has `id`, `ticket`, `kind`, `at` (UTC), `actor` (user id or null), `actor_role` (`end_user`,",
        "`agent`, `system`), `source` (where the change came from: " + ", ".join(f"`{s}`" for s in SOURCES) + "),",
        "`cause_event` (the id of the event that led to it, or null), `cause` (the rule, clock or job that made it,",
        "e.g. `trigger:12`, or empty) and `data`, whose fields per kind are below. Ids are integers; `null` is",
        "allowed only where a field says so.",
        "",
    ]
    for spec in KINDS.values():
        lines += [f"## `{spec.name}`", "", spec.doc, "", "| Field | Type | Meaning |", "|---|---|---|"]
        for f in spec.fields:
            kind = f.type + (" or null" if f.nullable else "")
            lines.append(f"| `{f.name}` | {kind} | {f.doc} |")
        lines.append("")
    return "\n".join(lines)
