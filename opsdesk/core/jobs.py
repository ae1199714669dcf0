"""Queue background jobs after the surrounding transaction commits."""

from __future__ import annotations

from django.db import transaction
from django.utils.module_loading import import_string


def enqueue_on_commit(task_path: str, *args: int | str) -> None:
    """Queue a huey task by dotted path once the current transaction commits.

    The path is resolved now, so a typo fails the calling action's own test; a rolled-back write queues nothing.
    """
    task = import_string(task_path)
    # robust: if the queue cannot take the job, the error is logged and the request still answers normally, so
    # the write that committed is never reported as failed (and never retried into a duplicate).
    transaction.on_commit(lambda: task(*args), robust=True)
