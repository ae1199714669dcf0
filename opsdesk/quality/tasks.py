"""Survey jobs: a survey due now is sent at once (queued when its ticket's solve is handled); the rest are sent by the
minutely sweep when their delay has passed."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from opsdesk.quality import actions


@db_task()
def send_survey(request_id: int) -> None:
    actions.send(request_id)


@db_periodic_task(crontab(minute="*"))
def send_due_surveys() -> None:
    """Each due survey in a transaction of its own, so one survey's mail never waits for the others'."""
    for request_id in actions.due_ids(timezone.now()):
        actions.send(request_id)
