"""`opsdesk worker`: huey's consumer, after the work that must not run beside its threads is done.

Reading lingua's language models holds Python's lock for seconds (2.8 s on a slow machine); done in huey's start-up
hook, it ran in one worker thread while another held an SQLite write transaction, which then waited for it, and
every other writer of the database gave up after its busy timeout ("database is locked"). Each callable in
settings.OPSDESK_WORKER_PRELOAD runs here first, before any thread starts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from huey.contrib.djhuey.management.commands.run_huey import Command as RunHuey


def preload() -> None:
    for path in settings.OPSDESK_WORKER_PRELOAD:
        import_string(path)()


class Command(RunHuey):
    help = "Run the background worker (huey): notifications, periodic jobs."

    def handle(self, *args: Any, **options: Any) -> None:
        preload()
        super().handle(*args, **options)
