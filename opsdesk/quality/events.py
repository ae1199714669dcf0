"""The survey event kinds of the ticket timeline: a survey sent, skipped (with the rule's reason), cancelled by a
reopen, answered or changed, and a customer's request not to be surveyed again. Registered in the one registry of
ticket events when the app is ready (as opsdesk/sla/events.py does). Automation rules can act on `survey.answered`
("bad CSAT → a task for the team lead")."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from opsdesk.quality import fatigue
from opsdesk.tickets.events import BOOL, INT, STR, Field, Kind, Names

SENT = "survey.sent"
SKIPPED = "survey.skipped"
CANCELLED = "survey.cancelled"
ANSWERED = "survey.answered"
OPTED_OUT = "survey.opted_out"
REVIEWED = "qa.reviewed"
DISPUTED = "qa.disputed"
DISPUTE_RESOLVED = "qa.dispute_resolved"
ALL_KINDS = frozenset({SENT, SKIPPED, CANCELLED, ANSWERED, OPTED_OUT, REVIEWED, DISPUTED, DISPUTE_RESOLVED})

_NAMES = {"csat": "CSAT", "nps": "NPS", "ces": "CES"}  # the same in every language


def survey_name(kind: Any) -> str:
    return _NAMES.get(str(kind), str(kind))


def reason_text(reason: str) -> str:
    texts = {
        fatigue.THROTTLED: _("the customer was surveyed recently"),
        fatigue.SAMPLED_OUT: _("not in the sample"),
        fatigue.EXCLUDED_TAG: _("the ticket has a tag that is never surveyed"),
        fatigue.AGENT_REQUESTER: _("the requester is a member of staff"),
        fatigue.INCIDENT_LINKED: _("the ticket is linked to an incident"),
        fatigue.OPTED_OUT: _("the customer asked not to be surveyed"),
        fatigue.NO_ADDRESS: _("no email address that receives mail"),
    }
    return texts.get(reason, reason)


def rating_text(kind: str, rating: int, scale: int) -> str:
    """ "4 / 5" for CSAT and CES, "9 / 10" for NPS; a binary CSAT in words."""
    if kind == "csat" and scale == 2:
        return _("good") if rating == 2 else _("bad")
    highest = 10 if kind == "nps" else scale
    return f"{rating} / {highest}"


def _request_fields() -> tuple[Field, ...]:
    return (
        Field("request", INT, "The survey request (its id)."),
        Field("survey", INT, "The configured survey (its id)."),
        Field("kind", STR, "csat, nps or ces."),
    )


def _sent(d: dict[str, Any], names: Names) -> str:
    return _("%(survey)s survey sent to %(address)s") % {
        "survey": survey_name(d.get("kind")),
        "address": d.get("address", ""),
    }


def _skipped(d: dict[str, Any], names: Names) -> str:
    return _("%(survey)s survey not sent: %(reason)s") % {
        "survey": survey_name(d.get("kind")),
        "reason": reason_text(str(d.get("reason", ""))),
    }


def _cancelled(d: dict[str, Any], names: Names) -> str:
    return _("%(survey)s survey cancelled: the ticket was reopened before it was due") % {
        "survey": survey_name(d.get("kind"))
    }


def _answered(d: dict[str, Any], names: Names) -> str:
    values = {
        "survey": survey_name(d.get("kind")),
        "rating": rating_text(str(d.get("kind")), int(d.get("rating") or 0), int(d.get("scale") or 0)),
        "comment": d.get("comment") or "",
    }
    if d.get("first"):
        if values["comment"]:
            return _("The customer answered the %(survey)s survey: %(rating)s, “%(comment)s”") % values
        return _("The customer answered the %(survey)s survey: %(rating)s") % values
    if values["comment"]:
        return _("The customer changed the %(survey)s answer: %(rating)s, “%(comment)s”") % values
    return _("The customer changed the %(survey)s answer: %(rating)s") % values


def _opted_out(d: dict[str, Any], names: Names) -> str:
    if d.get("via") == "agent":
        return _("Surveys turned off for this customer by an agent")
    return _("The customer asked not to be surveyed again")


def _user(names: Names, pk: Any) -> str:
    return str(names.get("user", {}).get(int(pk), f"#{pk}")) if isinstance(pk, int) else "—"


def score_text(value: Any) -> str:
    """A stored score ("81.25") in the reader's number format ("81,25" in Finnish)."""
    try:
        return formats.number_format(Decimal(str(value)), 2)
    except (InvalidOperation, ValueError, TypeError):
        return "—"


def _reviewed(d: dict[str, Any], names: Names) -> str:
    values = {"agent": _user(names, d.get("reviewee")), "score": score_text(d.get("score"))}
    if d.get("outcome") == "fail":
        return _("QA review of %(agent)s: %(score)s, failed on a critical item") % values
    return _("QA review of %(agent)s: %(score)s") % values


def _disputed(d: dict[str, Any], names: Names) -> str:
    return _("QA review disputed by %(person)s") % {"person": _user(names, d.get("by"))}


def dispute_state_text(state: str) -> str:
    texts = {
        "accepted": _("accepted"),
        "partially_accepted": _("partly accepted"),
        "rejected": _("rejected"),
        "withdrawn": _("withdrawn"),
    }
    return texts.get(state, state)


def _dispute_resolved(d: dict[str, Any], names: Names) -> str:
    values = {
        "state": dispute_state_text(str(d.get("state", ""))),
        "before": score_text(d.get("score_before")),
        "after": score_text(d.get("score_after")),
    }
    if values["before"] != values["after"]:
        return _("QA dispute %(state)s: score %(before)s → %(after)s") % values
    return _("QA dispute %(state)s: the score stays %(before)s") % values


def kinds() -> list[Kind]:
    return [
        Kind(
            SENT,
            "A survey was sent to the requester (through the outbox) after the ticket was solved.",
            (*_request_fields(), Field("address", STR, "The address it was sent to.")),
            _sent,
        ),
        Kind(
            SKIPPED,
            "A due survey was not sent; the first rule that stopped it (METRICS.md §4): "
            + ", ".join(fatigue.REASONS)
            + ".",
            (*_request_fields(), Field("reason", STR, "Why it was not sent.")),
            _skipped,
        ),
        Kind(
            CANCELLED,
            "A scheduled survey was cancelled because the ticket was reopened before it was due.",
            _request_fields(),
            _cancelled,
        ),
        Kind(
            ANSWERED,
            "The customer answered a survey, or changed their answer or comment (the latest answer counts).",
            (
                *_request_fields(),
                Field("rating", INT, "The answer on the survey's scale (binary CSAT: 1 bad, 2 good; NPS 0-10)."),
                Field("scale", INT, "The scale's size (NPS: 11)."),
                Field("first", BOOL, "Whether this is the first answer to the request."),
                Field("comment", STR, "The customer's comment, if any (plain text)."),
                Field("reason", STR, "The reason chosen with a negative rating, if any."),
                Field(
                    "negative",
                    BOOL,
                    "Whether the rating is negative (bottom box: CSAT below neutral, NPS 0-6, CES 1-3).",
                ),
                Field("agent", INT, "The agent at solve time the answer is attributed to.", True, ref="user"),
            ),
            _answered,
        ),
        Kind(
            OPTED_OUT,
            "The requester asked not to be surveyed again (or an agent turned surveys off for them).",
            (
                Field("customer", INT, "The customer (id).", ref="customer"),
                Field("via", STR, "link (the survey page) or agent."),
            ),
            _opted_out,
        ),
        Kind(
            REVIEWED,
            "A QA review of the ticket's conversation was submitted (internal: agents see it in the history, "
            "customers never).",
            (
                Field("review", INT, "The review (its id)."),
                Field("scorecard", INT, "The scorecard (its id)."),
                Field("version", INT, "The scorecard version it was scored on (its number)."),
                Field("reviewee", INT, "The agent reviewed (user id).", ref="user"),
                Field("score", STR, "The review score, 0-100 with two decimals; null when nothing was rated.", True),
                Field("outcome", STR, "pass or fail (a failed critical item)."),
            ),
            _reviewed,
        ),
        Kind(
            DISPUTED,
            "The reviewee (or a lead) disputed a shared QA review.",
            (
                Field("review", INT, "The review (its id)."),
                Field("dispute", INT, "The dispute (its id)."),
                Field("by", INT, "Who opened it (user id).", ref="user"),
            ),
            _disputed,
        ),
        Kind(
            DISPUTE_RESOLVED,
            "A QA dispute was accepted, partly accepted, rejected or withdrawn; an accepted one rescored the review "
            "(the score before stays here and on the dispute).",
            (
                Field("review", INT, "The review (its id)."),
                Field("dispute", INT, "The dispute (its id)."),
                Field("state", STR, "accepted, partially_accepted, rejected or withdrawn."),
                Field("score_before", STR, "The score before.", True),
                Field("score_after", STR, "The score after.", True),
            ),
            _dispute_resolved,
        ),
    ]
