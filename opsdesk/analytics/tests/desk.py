"""A small desk for the report and export tests, built through the ticket actions, then `rollups.rebuild()`.

The week of Monday 1 March 2027 (reporting zone Europe/Helsinki, 09:00 = 07:00 UTC):

- A (Support): first reply after 30 min, solved after 2 h; the customer answers on Tuesday, it is reopened,
  answered and solved again (a reopen that matters) at 10:00 Tuesday.
- B (Support, high): answered and solved at once after 2 h.
- C (Billing): open all week.
- D (Support, Tuesday): merged into C on Wednesday, so no KPI counts it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import time_machine

from opsdesk.analytics import rollups
from opsdesk.analytics.periods import Period
from opsdesk.tickets import actions
from opsdesk.tickets.actions.common import default_status

MONDAY = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)
WEEK = Period(date(2027, 3, 1), date(2027, 3, 7))


def build(world: Any) -> dict[str, Any]:
    made: dict[str, Any] = {}
    with time_machine.travel(MONDAY, tick=False):
        made["a"] = world.ticket(subject="A printer")
        made["b"] = world.ticket(subject="B refund", priority="high")
        made["c"] = world.ticket(subject="C invoice", team=world.billing)
    with time_machine.travel(MONDAY + timedelta(minutes=30), tick=False):
        actions.assign_ticket(made["a"], assignee=world.agent, actor=world.agent)
        actions.reply_to_ticket(made["a"], body="Try turning it off.", actor=world.agent)
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False):
        actions.reply_to_ticket(made["b"], body="Refunded.", actor=world.agent, status=default_status("solved"))
        actions.change_status(made["a"], status=default_status("solved"), actor=world.agent)
    with time_machine.travel(MONDAY + timedelta(days=1, hours=1), tick=False):
        actions.add_customer_reply(made["a"], body="Still broken.", customer=world.customer, actor=None)
        actions.reply_to_ticket(made["a"], body="Replaced it.", actor=world.agent, status=default_status("solved"))
        made["d"] = world.ticket(subject="D duplicate")
    with time_machine.travel(MONDAY + timedelta(days=2), tick=False):
        actions.merge_tickets(made["d"], target=made["c"], actor=world.manager)
    rollups.rebuild()
    return made
