"""The KPI catalogue (METRICS.md §3): each KPI defined once, with its formula, unit, business-hours variant, the
reporting day it counts on and whom it is attributed to. Dashboards, drill-downs, goals, reports, exports, the
reporting API and docs/metrics.md (`opsdesk kpi-docs`) all read these definitions."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

COUNT = "count"
DURATION = "duration"
RATIO = "ratio"
LEVEL = "level"

SLA_METRICS = ("first_reply", "next_reply", "periodic_update", "pausable_update", "requester_wait", "agent_work")


@dataclass(frozen=True)
class Kpi:
    key: str
    label: Promise
    description: Promise
    kind: str  # count, duration, ratio or level
    formula: str  # in METRICS.md's notation, for docs/metrics.md and the drill-down
    measure: str = ""  # the rollup measure (a count or a duration); for ratios the numerator
    denominator: str = ""  # ratios: the rollup measure below the line
    bh_measure: str = ""  # the business-hours variant's measure
    counts_on: str = ""  # which event's reporting day the value belongs to
    attribution: str = ""  # whose it is in per-agent cuts
    lower_is_better: bool = False

    @property
    def counts_on_text(self) -> str:
        """`counts_on` in the reader's language (the English stays as it is in the API and docs/metrics.md)."""
        found = COUNTS_ON_WORDS.get(self.counts_on)
        return str(found) if found is not None else self.counts_on

    @property
    def has_business_hours(self) -> bool:
        return bool(self.bh_measure)

    def measure_for(self, business_hours: bool) -> str:
        return self.bh_measure if business_hours and self.bh_measure else self.measure


# What each KPI's `counts_on` says, as the drill-down page shows it.
COUNTS_ON_WORDS: dict[str, Promise] = {
    "ticket.created": _("the ticket's creation"),
    "status.changed → solved": _("the change to solved or closed"),
    "snapshot at 00:00 after the period's last day": _("a count at midnight after the period's last day"),
    "the first reply": _("the first reply"),
    "the first solve": _("the first solve"),
    "the latest solve": _("the latest solve"),
    "the reply": _("the reply"),
    "the fulfilment, or the deadline of a breach": _("the target met, or the deadline of a breach"),
}


def _sla_numerators() -> str:
    return " + ".join(f"sla_achieved:{m}" for m in SLA_METRICS)


CATALOGUE: tuple[Kpi, ...] = (
    Kpi(
        "created",
        _("Tickets created"),
        _("New tickets from every channel; merged-away tickets are not counted."),
        COUNT,
        "count of ticket.created",
        measure="created",
        counts_on="ticket.created",
        attribution="—",
    ),
    Kpi(
        "solved",
        _("Tickets solved"),
        _("Moves from an unsolved status to solved or closed; a ticket solved twice counts twice."),
        COUNT,
        "count of status.changed unsolved → solved or closed",
        measure="solved",
        counts_on="status.changed → solved",
        attribution="assignee at the solve",
    ),
    Kpi(
        "backlog",
        _("Backlog"),
        _("Unsolved tickets (new, open, pending, on hold) at the end of the period: created + reopened − solved."),
        LEVEL,
        "Σ (created + reopened − solved) over every day up to the instant",
        measure="backlog",
        counts_on="snapshot at 00:00 after the period's last day",
        attribution="—",
        lower_is_better=True,
    ),
    Kpi(
        "frt",
        _("First response time"),
        _(
            "From creation to the first public reply by a person on the desk; not counted when an agent opened "
            "the ticket with a public message."
        ),
        DURATION,
        "first_reply_at − created_at",
        measure="frt",
        bh_measure="frt_bh",
        counts_on="the first reply",
        attribution="author of the first reply",
        lower_is_better=True,
    ),
    Kpi(
        "first_resolution",
        _("First resolution time"),
        _("From creation to the first solve."),
        DURATION,
        "first → solved − created_at",
        measure="first_resolution",
        bh_measure="first_resolution_bh",
        counts_on="the first solve",
        attribution="assignee at the first solve",
        lower_is_better=True,
    ),
    Kpi(
        "resolution",
        _("Full resolution time"),
        _("From creation to the latest solve, for tickets solved or closed now."),
        DURATION,
        "latest → solved − created_at",
        measure="resolution",
        bh_measure="resolution_bh",
        counts_on="the latest solve",
        attribution="assignee at the latest solve",
        lower_is_better=True,
    ),
    Kpi(
        "requester_wait",
        _("Requester wait time"),
        _("Time in new, open and on hold from creation to the latest solve: how long the customer waited."),
        DURATION,
        "Σ time in new + open + on_hold until the latest solve",
        measure="requester_wait",
        bh_measure="requester_wait_bh",
        counts_on="the latest solve",
        attribution="assignee at the latest solve",
        lower_is_better=True,
    ),
    Kpi(
        "agent_work",
        _("Agent work time"),
        _("Time in new and open until the latest solve: how long the ticket waited on the desk."),
        DURATION,
        "Σ time in new + open until the latest solve",
        measure="agent_work",
        bh_measure="agent_work_bh",
        counts_on="the latest solve",
        attribution="assignee at the latest solve",
        lower_is_better=True,
    ),
    Kpi(
        "one_touch",
        _("One-touch resolution"),
        _("Solved tickets with exactly one public reply, never pending or on hold, and no reopen that mattered."),
        RATIO,
        "one-touch tickets ÷ tickets solved (by the latest solve)",
        measure="one_touch",
        denominator="resolved",
        counts_on="the latest solve",
        attribution="assignee at the latest solve",
    ),
    Kpi(
        "reopen_rate",
        _("Reopen rate"),
        _("Tickets first solved in the period that were reopened (not only to say thanks), of all first solved."),
        RATIO,
        "tickets with ≥ 1 non-trivial reopen ÷ tickets first solved (cohort by first solve)",
        measure="reopened_tickets",
        denominator="first_solved",
        counts_on="the first solve",
        attribution="assignee at the first solve",
        lower_is_better=True,
    ),
    Kpi(
        "sla_attainment",
        _("SLA attainment"),
        _(
            "SLA clocks met of those settled in the period (met or breached); cancelled and running clocks are "
            "left out."
        ),
        RATIO,
        "achieved ÷ (achieved + breached), over clocks settled in the period",
        measure="sla_achieved",
        denominator="sla_settled",
        counts_on="the fulfilment, or the deadline of a breach",
        attribution="assignee when settled",
    ),
    Kpi(
        "replies",
        _("Public replies"),
        _("Public replies written by people on the desk (not rules or the system)."),
        COUNT,
        "count of comment.added by an agent, public, not automated",
        measure="reply",
        counts_on="the reply",
        attribution="its author",
    ),
)

BY_KEY = {kpi.key: kpi for kpi in CATALOGUE}

NOT_YET = (
    ("Handle time (ticket)", "needs work.logged events: time tracking in the workspace (workforce issue)"),
    (
        "Handle time, ASA, abandonment, service level (voice/chat)",
        "needs contact.offered/answered/abandoned events with queue times",
    ),
    ("First contact resolution", "needs the repeat-contact window across a requester's tickets"),
    ("CSAT, NPS, CES", "join when surveys land (survey.* events)"),
    ("Occupancy, utilisation, tickets per agent-hour", "need agent.state_changed and schedules (workforce issue)"),
    ("QA (IQS)", "joins when QA reviews land"),
)


def get(key: str) -> Kpi | None:
    return BY_KEY.get(key)


def catalogue_markdown() -> str:
    """docs/metrics.md: the KPI catalogue as the code defines it (`opsdesk kpi-docs --write docs/metrics.md`)."""
    from django.utils import translation

    from opsdesk.analytics import rollups, sketch

    with translation.override("en"):
        lines = [
            "# KPI catalogue",
            "",
            "Generated from `opsdesk/analytics/kpis.py` by `opsdesk kpi-docs`; do not edit by hand. The definitions",
            "follow ../shared/METRICS.md §0 and §3; how they are computed and stored is in",
            "docs/adr/0026-kpi-rollups.md.",
            "",
            "## Conventions",
            "",
            "- **Facts.** Each ticket's values are computed from its own timeline (`analytics/facts.py`) into one",
            "  row of `TicketFacts` and rows of `TicketActivity` (solves, reopens, public replies, settled SLA",
            "  clocks). Merge sources are left out of every figure. A value whose end event has not happened is",
            "  null, never 0.",
            "- **Reporting days.** A value counts on the reporting day (in `OPSDESK_REPORTING_TIME_ZONE`) of the event",
            "  named under *counted on*; ticket counts by creation go by the creation time.",
            "- **Cuts.** Per-dimension figures use the ticket's current team, channel, language, priority and",
            "  organization; per-agent figures use the attribution named below.",
            "- **Rollups.** Daily sums per measure and per cut: "
            + ", ".join(f"`{d}`" for d in rollups.DIMS)
            + ", and `hour` (of creation) for the heatmap. Organization, tag and combined cuts are summed from the",
            "  facts on the fly, with the same code.",
            "- **Percentiles.** Durations are shown as median and 90th percentile (type 7), and mean. From",
            f"  rollups they are read from a log-bucketed sketch (relative accuracy {sketch.ALPHA:.0%}); the",
            "  drill-down computes them exactly from every value.",
            "- **Ratios** are Σ numerator ÷ Σ denominator over the cut, with n (the denominator) beside them.",
            "",
            "## KPIs",
            "",
            "| Key | KPI | Kind | Formula | Business hours | Counted on | Attribution | Better |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for kpi in CATALOGUE:
            bh = f"`{kpi.bh_measure}`" if kpi.bh_measure else "—"
            better = "lower" if kpi.lower_is_better else "higher"
            lines.append(
                f"| `{kpi.key}` | {kpi.label} | {kpi.kind} | {kpi.formula} | {bh} | {kpi.counts_on} | "
                f"{kpi.attribution} | {better} |"
            )
        lines += ["", "## What each KPI means", ""]
        for kpi in CATALOGUE:
            measures = f"`{kpi.measure}`" + (f" ÷ `{kpi.denominator}`" if kpi.denominator else "")
            lines.append(f"- **{kpi.label}** (`{kpi.key}`): {kpi.description} Rollup measure: {measures}.")
        lines += ["", "## Not computed yet", "", "| KPI | Why |", "|---|---|"]
        lines += [f"| {name} | {why} |" for name, why in NOT_YET]
    return "\n".join(lines)
