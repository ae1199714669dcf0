"""Every write of routing: routing a ticket and a team's waiting tickets (assign), presence (presence), and the
configuration of teams, agents and a ticket's requirement (configuration). Callers import this package:
`from opsdesk.routing import actions`, then `actions.route_ticket(ticket)`."""

from opsdesk.routing.actions.assign import (
    Decision,
    route_all_waiting,
    route_backlog,
    route_ticket,
    route_waiting,
    route_waiting_for_agent,
)
from opsdesk.routing.actions.configuration import (
    language_codes,
    save_agent_routing,
    save_team_routing,
    set_ticket_requirement,
)
from opsdesk.routing.actions.presence import expire_idle, record_activity, set_presence

__all__ = [
    "Decision",
    "expire_idle",
    "language_codes",
    "record_activity",
    "route_all_waiting",
    "route_backlog",
    "route_ticket",
    "route_waiting",
    "route_waiting_for_agent",
    "save_agent_routing",
    "save_team_routing",
    "set_presence",
    "set_ticket_requirement",
]
