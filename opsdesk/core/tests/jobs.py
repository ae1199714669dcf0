"""Run the jobs huey holds for later (retries, delayed jobs), as the worker's scheduler does when their time comes."""

from __future__ import annotations

from django.conf import settings


def run_due_jobs() -> int:
    """Execute every scheduled job whose time has come (time_machine moves the clock); return how many ran."""
    huey = settings.HUEY
    due = huey.read_schedule()
    for task in due:
        huey.execute(task)
    return len(due)
