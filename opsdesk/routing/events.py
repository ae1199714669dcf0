"""The routing event kinds of the ticket timeline: why routing assigned a ticket (`routing.assigned`) or why it
could not (`routing.waiting`), in a sentence a manager can read. Registered in the one registry of ticket events
when the app is ready (as opsdesk/sla/events.py does).

Sentences put the agent's name after a colon ("Assigned to Eleni: …", Russian "Назначено: Елена — …"), where no
case ending is needed, and name a language in the nominative after "language" for the same reason.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from opsdesk.core import languages
from opsdesk.sla.events import time_text
from opsdesk.tickets.events import BOOL, INT, OBJECT, STR, STR_LIST, Field, Kind, Names

ASSIGNED = "routing.assigned"
WAITING = "routing.waiting"
REQUIREMENT_CHANGED = "routing.requirement_changed"
ALL_KINDS = frozenset({ASSIGNED, WAITING, REQUIREMENT_CHANGED})

# reason codes of an assignment (Decision.reasons, the payload's `reasons`)
LANGUAGE_MATCH = "language_match"
SKILL_MATCH = "skill_match"
ROUND_ROBIN_TURN = "round_robin_turn"
LEAST_LOADED = "least_loaded"
BEST_SKILLS = "best_skills"
FALLBACK = "fallback"
# why a ticket waits (the payload's `why`, Decision.reasons of an unassigned decision)
NO_AGENTS = "no_agents"
ALL_OFFLINE = "all_offline"
ALL_FULL = "all_full"
NO_LANGUAGE = "no_language"
NO_SKILLS = "no_skills"
# why nothing was done (never recorded on the timeline)
MANUAL = "manual"
NOT_ROUTABLE = "not_routable"

WAIT_REASONS = (NO_AGENTS, ALL_OFFLINE, ALL_FULL, NO_LANGUAGE, NO_SKILLS)


def _user(names: Names, pk: Any) -> str:
    return str(names.get("user", {}).get(int(pk), f"#{pk}")) if isinstance(pk, int) else _("nobody")


def strategy_text(strategy: str) -> str:
    texts = {
        "round_robin": pgettext("routing strategy", "round robin"),
        "least_loaded": pgettext("routing strategy", "least loaded"),
        "skills": pgettext("routing strategy", "best skill match"),
        "manual": pgettext("routing strategy", "manual"),
    }
    return texts.get(strategy, strategy)


def assigned_parts(d: dict[str, Any]) -> list[str]:
    """The reasons of an assignment, each a phrase, in the order a reader weighs them."""
    reasons = d.get("reasons") or []
    parts = []
    if FALLBACK in reasons:
        parts.append(_("fallback to the whole team"))
    if LANGUAGE_MATCH in reasons and d.get("language"):
        parts.append(_("language: %(language)s") % {"language": languages.name(d["language"])})
    skills = d.get("skills") or {}
    if SKILL_MATCH in reasons and skills:
        listed = ", ".join(f"{name} {level}/5" for name, level in sorted(skills.items()))
        parts.append(_("skills: %(skills)s") % {"skills": listed})
    parts.append(_("load %(load)d/%(capacity)d") % {"load": d.get("load") or 0, "capacity": d.get("capacity") or 0})
    if ROUND_ROBIN_TURN in reasons:
        parts.append(_("round-robin turn"))
    if LEAST_LOADED in reasons:
        parts.append(_("least loaded"))
    if BEST_SKILLS in reasons:
        parts.append(_("best skill match"))
    return parts


def _assigned(d: dict[str, Any], names: Names) -> str:
    return _("Assigned to %(agent)s: %(reasons)s") % {
        "agent": _user(names, d.get("assignee")),
        "reasons": ", ".join(assigned_parts(d)),
    }


def why_text(why: str, language: str | None) -> str:
    texts = {
        NO_AGENTS: _("the team has no agents who can take tickets"),
        ALL_OFFLINE: _("no agent of the team is online"),
        ALL_FULL: _("every online agent is at capacity"),
        NO_LANGUAGE: _("no online agent with capacity speaks the language: %(language)s"),
        NO_SKILLS: _("no online agent with capacity has the required skills"),
    }
    text = texts.get(why, why)
    return text % {"language": languages.name(language)} if "%(language)s" in text else text


def _waiting(d: dict[str, Any], names: Names) -> str:
    why = why_text(str(d.get("why", "")), d.get("language"))
    if d.get("fallback_at"):
        return _("Waiting for an agent: %(why)s; the whole team from %(time)s") % {
            "why": why,
            "time": time_text(d["fallback_at"]),
        }
    return _("Waiting for an agent: %(why)s") % {"why": why}


def _requirement(d: dict[str, Any], names: Names) -> str:
    skills, language = d.get("skills") or [], d.get("language")
    values = {"skills": ", ".join(skills), "language": languages.name(language)}
    if skills and language:
        return _("Routing requirement: skills %(skills)s; language: %(language)s") % values
    if skills:
        return _("Routing requirement: skills %(skills)s") % values
    if language:
        return _("Routing requirement: language: %(language)s") % values
    return _("Routing requirement removed")


def kinds() -> list[Kind]:
    return [
        Kind(
            ASSIGNED,
            "Routing assigned the ticket by its team's strategy; the payload says why.",
            (
                Field("assignee", INT, "The agent it was assigned to (user id).", ref="user"),
                Field("team", INT, "The team whose strategy applied.", ref="team"),
                Field("strategy", STR, "round_robin, least_loaded or skills."),
                Field(
                    "reasons",
                    STR_LIST,
                    "Why this agent: language_match, skill_match, round_robin_turn, least_loaded, best_skills, "
                    "fallback (the language and skill requirements were dropped after the team's fallback time).",
                ),
                Field("language", STR, "The ticket's language routing matched, if the team matches languages.", True),
                Field("skills", OBJECT, "Required skill name -> the agent's level (1-5)."),
                Field("channel_group", STR, "tickets, chat or phone: whose load and capacity are given."),
                Field("load", INT, "The agent's unsolved tickets in the channel group before this one."),
                Field("capacity", INT, "The agent's capacity in the channel group."),
                Field("fallback", BOOL, "Whether the requirements were dropped after the fallback time."),
            ),
            _assigned,
        ),
        Kind(
            WAITING,
            "Routing found nobody to assign the ticket to; it waits and is tried again when an agent comes online "
            "or frees capacity, and every minute. Recorded when it starts waiting or the reason changes.",
            (
                Field("team", INT, "The team whose strategy applied.", ref="team"),
                Field("strategy", STR, "round_robin, least_loaded or skills."),
                Field("why", STR, "no_agents, all_offline, all_full, no_language or no_skills."),
                Field(
                    "language", STR, "The ticket's language routing looked for, if the team matches languages.", True
                ),
                Field("fallback_at", STR, "When the whole team is tried without requirements (UTC, ISO 8601).", True),
            ),
            _waiting,
        ),
        Kind(
            REQUIREMENT_CHANGED,
            "An agent set what routing must match for this ticket: skills, and a language that overrides the "
            "detected or the customer's one.",
            (
                Field("skills", STR_LIST, "The required skills' names, sorted; empty for none."),
                Field("language", STR, "The required language (ISO 639-1), or null to use the ticket's.", True),
            ),
            _requirement,
        ),
    ]
