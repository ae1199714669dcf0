"""Routing jobs: the minutely look (idle agents to away and offline, then every team's waiting tickets, where
fallbacks fall due), and the waiting tickets of an agent who came online or a team that turned routing on."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.exceptions import TaskLockedException

from opsdesk.routing import actions

LOCK = "routing-minutely"


@db_periodic_task(crontab(minute="*"))
def routing_minutely() -> None:
    try:
        with HUEY.lock_task(LOCK):
            actions.expire_idle()
            actions.route_all_waiting()
    except TaskLockedException:
        return  # a run is under way


@db_task()
def route_for_agent(user_id: int) -> None:
    actions.route_waiting_for_agent(user_id)


@db_task()
def route_team_backlog(team_id: int) -> None:
    actions.route_backlog(team_id)
