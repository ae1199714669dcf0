"""Base classes shared by every app; core has no domain models of its own."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Heartbeat(models.Model):
    """The last time a named background job ran; /health/ reports it, so a stopped worker is visible."""

    name = models.CharField(max_length=50, unique=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"


class IdempotentRequest(models.Model):
    """The response to an API create sent with an Idempotency-Key, kept so a retry returns it again."""

    user_id = models.BigIntegerField()
    key = models.CharField(max_length=100)
    scope = models.CharField(max_length=100)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["user_id", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class RateLimitCounter(models.Model):
    """Attempts under one rate-limit key in one fixed window, shared by every process (when there is no Redis).

    `core.ratelimit` increments it with one atomic upsert; the periodic job deletes rows past `expires_at`."""

    key = models.CharField(max_length=200)
    window_start = models.BigIntegerField()  # Unix seconds
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["key", "window_start"], name="rate_limit_window_once")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window_start}: {self.count}"
