"""`opsdesk worker` does its preloading before huey starts any thread (core/management/commands/worker.py)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from huey.contrib.djhuey.management.commands.run_huey import Command as RunHuey

from opsdesk import cli

CALLS: list[str] = []


def record_preload() -> None:
    CALLS.append("preload")


def test_the_worker_preloads_before_the_consumer_starts(settings: Any, monkeypatch: Any) -> None:
    settings.OPSDESK_WORKER_PRELOAD = ["opsdesk.core.tests.test_worker_command.record_preload"]
    CALLS.clear()

    def consumer(self: RunHuey, *args: Any, **options: Any) -> None:
        CALLS.append(f"consumer with {options['workers']} workers")

    monkeypatch.setattr(RunHuey, "handle", consumer)
    call_command("worker", workers=2)
    assert CALLS == ["preload", "consumer with 2 workers"]
    assert cli.COMMANDS["worker"][0] == "worker"


def test_the_language_models_are_preloaded_by_the_worker_setting(settings: Any) -> None:
    assert "opsdesk.messaging.language.preload_for_worker" in settings.OPSDESK_WORKER_PRELOAD


def test_language_detection_takes_small_batches(settings: Any) -> None:
    assert settings.OPSDESK_EVENT_CONSUMER_BATCH["messaging.language"] == 50
