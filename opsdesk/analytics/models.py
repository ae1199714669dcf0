"""Analytics rollups, kept by event consumers (tickets.consumers) from the ticket timeline."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class EventCount(models.Model):
    """How many ticket events of a kind and source happened on a UTC day: the first rollup over the event log,
    and the check that the consumer mechanism neither loses nor doubles an event (its sum equals the log's count)."""

    day = models.DateField()
    kind = models.CharField(max_length=40)
    source = models.CharField(max_length=12)
    count = models.BigIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["-day", "kind", "source"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["day", "kind", "source"], name="event_count_once"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.source}: {self.count}"
