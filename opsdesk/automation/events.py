"""The automation event kinds of the ticket timeline: a rule fired (with why), a macro applied. Every change a rule
or macro then makes is recorded by the ticket actions with this event as its cause (`cause_event`) and the rule or
macro as `cause` ("rule:12", "macro:3"), so the ticket's history says exactly why each thing happened."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from opsdesk.automation import triggers
from opsdesk.automation.models import Rule
from opsdesk.sla.durations import spoken_duration
from opsdesk.tickets.events import BOOL, INT, STR, STR_LIST, Field, Kind, Names

FIRED = "automation.fired"
MACRO_APPLIED = "automation.macro_applied"
KINDS = frozenset({FIRED, MACRO_APPLIED})


def why(d: dict[str, Any]) -> str:
    if d.get("trigger"):
        found = triggers.TRIGGERS.get(str(d["trigger"]))
        return str(found.label) if found else str(d["trigger"])
    anchor = str(dict(Rule.Anchor.choices).get(d.get("anchor") or "", d.get("anchor") or ""))
    values = {"time": spoken_duration(int(d.get("after_seconds") or 0)), "since": anchor}
    if d.get("business_time"):
        return _("%(time)s of business hours after %(since)s") % values
    return _("%(time)s after %(since)s") % values


def _fired(d: dict[str, Any], names: Names) -> str:
    values = {"rule": d.get("name", ""), "why": why(d)}
    return _("Rule “%(rule)s” ran. Why: %(why)s.") % values


def _macro(d: dict[str, Any], names: Names) -> str:
    return _("Macro “%(macro)s” applied.") % {"macro": d.get("name", "")}


def kinds() -> list[Kind]:
    return [
        Kind(
            FIRED,
            "An automation rule fired on the ticket; the changes it made name this event as their cause_event.",
            (
                Field("rule", INT, "The rule id."),
                Field("version", INT, "The rule's version."),
                Field("name", STR, "The rule's name then."),
                Field("trigger", STR, "What fired a trigger rule (automation/triggers.py), or null.", True),
                Field(
                    "anchor", STR, "What a time rule counted from: created, updated, status, solved, …; or null.", True
                ),
                Field("anchor_at", STR, "That instant (UTC, ISO 8601), or null.", True),
                Field("after_seconds", INT, "How long after it the rule was due, or null.", True),
                Field("business_time", BOOL, "Whether that time counted business hours only."),
                Field("depth", INT, "1 when a person's or the system's change fired it; 2 when a rule's change did; …"),
                Field("steps", STR_LIST, "The types of its steps, in order."),
            ),
            _fired,
        ),
        Kind(
            MACRO_APPLIED,
            "An agent applied a macro; the changes it made name this event as their cause_event.",
            (
                Field("macro", INT, "The macro id."),
                Field("name", STR, "The macro's name then."),
                Field("steps", STR_LIST, "The types of its steps, in order."),
            ),
            _macro,
        ),
    ]
