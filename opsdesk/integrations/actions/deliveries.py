"""Deliveries: the durable outbox of webhooks and chat posts (the mail outbox's pattern, core/outbox.py).

A `Delivery` row is written in the transaction of whatever causes it (an event consumer's batch, a rule, a ping)
and its job is queued on commit with the row's id and the attempt it expects. `deliver` claims the row (attempts
+ 1 and a lease) in a short transaction, makes the HTTP call outside any transaction, and records the answer: 2xx
is delivered; 410 Gone fails it and switches its webhook or channel off; anything else (a refused address, a
timeout, a redirect, a 5xx) is tried again after 30 s, 2 min, 8 min, 32 min, 2 h and 8 h, then fails. `sweep`,
every minute, queues the job again for due rows whose job was lost. Two jobs for one attempt send it once.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, require
from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError
from opsdesk.core.jobs import enqueue_on_commit
from opsdesk.integrations import net
from opsdesk.integrations.models import ChatChannel, Delivery, Webhook
from opsdesk.integrations.posts import Post, slack_payload, teams_payload
from opsdesk.messaging.phone import signing

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

DELIVER_JOB = "opsdesk.integrations.tasks.deliver"
RETRY_DELAYS = (30, 120, 480, 1920, 7200, 28800)  # seconds after failed attempt 1, 2, …; then "failed"
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
LEASE = timedelta(minutes=2)  # a claimed delivery is not tried again before this (longer than the timeout)
SWEEP_AFTER = timedelta(minutes=2)  # a new delivery's own job has this long before the sweep queues another
SWEEP_BATCH = 500
MAX_KEY = 200
ERROR_MAX = 1000


def dumps(payload: dict[str, Any]) -> str:
    """The one JSON encoding of a body: compact, UTF-8, keys in the order built (the signature covers these bytes).
    Text that UTF-8 cannot carry (a lone surrogate) is sent as JSON escapes instead."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(payload, ensure_ascii=True, separators=(",", ":"), default=str)
    return text


def retry_delay(failed_attempts: int) -> timedelta:
    return timedelta(seconds=RETRY_DELAYS[min(failed_attempts, len(RETRY_DELAYS)) - 1])


# --- queueing ------------------------------------------------------------------------------------------------------


def _check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY or "\x00" in key:
        raise ValueError("a delivery key is 1 to 200 characters")
    return key


def queue_delivery(
    *,
    key: str,
    event: str,
    payload: dict[str, Any],
    webhook: Webhook | None = None,
    channel: ChatChannel | None = None,
    ticket_event_id: int | None = None,
) -> Delivery:
    """Write one delivery in the current transaction and queue its job on commit; the target's existing one for
    `key` when there is one."""
    _check_key(key)
    if (webhook is None) == (channel is None):
        raise ValueError("a delivery goes to a webhook or to a channel")
    same = (
        Delivery.objects.filter(key=key, webhook=webhook)
        if webhook
        else Delivery.objects.filter(key=key, channel=channel)
    )
    found = same.first()
    if found is not None:
        return found
    target = webhook or channel
    assert target is not None  # one of them, checked above
    inactive = not target.active
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                key=key,
                event=event[:40],
                webhook=webhook,
                channel=channel,
                ticket_event_id=ticket_event_id,
                body=dumps(payload),
                state=Delivery.State.FAILED if inactive else Delivery.State.QUEUED,
                next_attempt_at=None if inactive else timezone.now() + SWEEP_AFTER,
                error="Switched off: not sent." if inactive else "",
            )
    except IntegrityError:  # the same key from a concurrent transaction, committed first
        return same.get()
    if not inactive:
        enqueue_on_commit(DELIVER_JOB, delivery.pk, 0)
    return delivery


@transaction.atomic
def send_to_webhook(
    webhook: Webhook, *, event: str, data: dict[str, Any], key: str, ticket_event_id: int | None = None
) -> Delivery:
    """Post `{"id": key, "type": event, "data": data}` to the webhook, signed; idempotent on `key`."""
    payload = {"id": key, "type": event, "data": data}
    return queue_delivery(key=key, event=event, payload=payload, webhook=webhook, ticket_event_id=ticket_event_id)


def channel_payload(channel: ChatChannel, post: Post) -> dict[str, Any]:
    button = _("Open")
    return (
        slack_payload(post, button=button)
        if channel.kind == ChatChannel.Kind.SLACK
        else teams_payload(post, button=button)
    )


@transaction.atomic
def post_to_channel(channel: ChatChannel, *, post: Post, key: str, ticket_event_id: int | None = None) -> Delivery:
    """Post a message to a Slack or Teams channel (Block Kit or an Adaptive Card); idempotent on `key`."""
    return queue_delivery(
        key=key, event="post", payload=channel_payload(channel, post), channel=channel, ticket_event_id=ticket_event_id
    )


@transaction.atomic
def ping_webhook(webhook: Webhook, *, actor: User | None) -> Delivery:
    """A signed `ping` to check the receiver (a new delivery each time)."""
    require(actor, Capability.MANAGE_INTEGRATIONS)
    key = f"ping:webhook:{webhook.pk}:{timezone.now().timestamp():.6f}"
    data = {"webhook": webhook.pk, "name": webhook.name, "message": "Hello from OpsDesk."}
    delivery = queue_delivery(key=key, event="ping", payload={"id": key, "type": "ping", "data": data}, webhook=webhook)
    audit.record(actor=actor, verb="webhook.pinged", target=webhook, data={"delivery": delivery.pk})
    return delivery


@transaction.atomic
def test_channel(channel: ChatChannel, *, url: str, actor: User | None) -> Delivery:
    """A test message to the channel (a new delivery each time); `url` is the page it links to."""
    require(actor, Capability.MANAGE_INTEGRATIONS)
    key = f"test:channel:{channel.pk}:{timezone.now().timestamp():.6f}"
    post = Post(
        title=_("OpsDesk test message"),
        text=_("This channel will receive OpsDesk notifications."),
        url=url,
        facts=((_("Channel"), channel.name),),
    )
    delivery = queue_delivery(key=key, event="test", payload=channel_payload(channel, post), channel=channel)
    audit.record(actor=actor, verb="chat_channel.tested", target=channel, data={"delivery": delivery.pk})
    return delivery


@transaction.atomic
def redeliver(delivery: Delivery, *, actor: User | None) -> Delivery:
    """Send a delivery again ("Send again"): one more attempt on the same row, now, with a fresh signature. After
    the last scheduled attempt a failure fails it at once; before, the usual retries follow."""
    require(actor, Capability.MANAGE_INTEGRATIONS)
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.state == Delivery.State.QUEUED:
        raise ActionError("delivery_queued", _("This delivery is already waiting to be sent."))
    target = delivery.webhook or delivery.channel
    if target is not None and not target.active:
        raise ActionError("target_inactive", _("Switch it on before sending again."))
    delivery.state, delivery.next_attempt_at = Delivery.State.QUEUED, timezone.now() + SWEEP_AFTER
    delivery.save(update_fields=["state", "next_attempt_at", "updated_at"])
    audit.record(
        actor=actor,
        verb="delivery.resent",
        target=delivery,
        data={"key": delivery.key, "attempts": delivery.attempts},
    )
    enqueue_on_commit(DELIVER_JOB, delivery.pk, delivery.attempts)
    return delivery


# --- delivery ------------------------------------------------------------------------------------------------------


def deliver(delivery_id: int, attempt: int) -> None:
    """Make one attempt, if the delivery is still queued and nobody made this attempt yet; safe to run twice."""
    claimed = _claim(delivery_id, attempt)
    if claimed is None:
        return
    delivery, url, secret = claimed
    body = delivery.body.encode()
    started = time.monotonic()
    try:
        target = net.check_url(url)
        headers = {}
        if delivery.webhook_id is not None:
            stamp = int(time.time())
            headers = {
                "X-OpsDesk-Timestamp": str(stamp),
                "X-OpsDesk-Signature": signing.sign(secret, stamp, body),
                "X-OpsDesk-Event": delivery.event,
                "X-OpsDesk-Delivery": str(delivery.pk),
            }
        answer = net.post(target, body, headers)
    except net.Refused as refused:
        _record(delivery, status=None, excerpt="", error=str(refused), started=started)
        return
    except (OSError, ValueError) as failed:  # connection refused, timeout, TLS, a malformed answer
        _record(delivery, status=None, excerpt="", error=f"{type(failed).__name__}: {failed}", started=started)
        return
    problem = ""
    if 300 <= answer.status < 400:
        problem = "Redirects are not followed."
    elif not 200 <= answer.status < 300:
        problem = f"HTTP {answer.status}"
    _record(delivery, status=answer.status, excerpt=answer.excerpt, error=problem, duration_ms=answer.duration_ms)


@transaction.atomic
def _claim(delivery_id: int, attempt: int) -> tuple[Delivery, str, str] | None:
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("webhook", "channel")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.state != Delivery.State.QUEUED or delivery.attempts != attempt:
        return None  # delivered, failed, or this attempt was taken by another job
    target = delivery.webhook or delivery.channel
    now = timezone.now()
    if target is None or not target.active:
        delivery.state, delivery.next_attempt_at, delivery.error = (
            Delivery.State.FAILED,
            None,
            "Switched off: not sent.",
        )
        delivery.save(update_fields=["state", "next_attempt_at", "error", "updated_at"])
        return None
    delivery.attempts, delivery.next_attempt_at = attempt + 1, now + LEASE
    delivery.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
    secret = delivery.webhook.secret if delivery.webhook is not None else ""
    return delivery, target.url, secret


@transaction.atomic
def _record(
    claimed: Delivery,
    *,
    status: int | None,
    excerpt: str,
    error: str,
    started: float | None = None,
    duration_ms: int | None = None,
) -> None:
    delivery = Delivery.objects.select_for_update().get(pk=claimed.pk)
    if delivery.state != Delivery.State.QUEUED or delivery.attempts != claimed.attempts:
        return  # a resend moved it on meanwhile
    if duration_ms is None and started is not None:
        duration_ms = int((time.monotonic() - started) * 1000)
    now = timezone.now()
    delivery.status_code, delivery.response_excerpt = status, excerpt[: net.EXCERPT_BYTES].replace("\x00", "")
    delivery.error, delivery.duration_ms = error[:ERROR_MAX].replace("\x00", ""), duration_ms
    if status is not None and 200 <= status < 300:
        delivery.state, delivery.next_attempt_at, delivery.delivered_at = Delivery.State.DELIVERED, None, now
    elif status == 410:
        delivery.state, delivery.next_attempt_at = Delivery.State.FAILED, None
        _switch_off(delivery, reason="The receiver answered 410 Gone.")
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.state, delivery.next_attempt_at = Delivery.State.FAILED, None
    else:
        delay = retry_delay(delivery.attempts)
        delivery.next_attempt_at = now + delay
        task, args = import_string(DELIVER_JOB), (delivery.pk, delivery.attempts)
        transaction.on_commit(lambda: task.schedule(args=args, delay=int(delay.total_seconds())), robust=True)
    delivery.save(
        update_fields=[
            "state",
            "next_attempt_at",
            "delivered_at",
            "status_code",
            "response_excerpt",
            "error",
            "duration_ms",
            "updated_at",
        ]
    )


def _switch_off(delivery: Delivery, *, reason: str) -> None:
    """A receiver that says 410 Gone wants no more calls: its webhook or channel is switched off (audited)."""
    model: type[Webhook] | type[ChatChannel] = Webhook if delivery.webhook_id is not None else ChatChannel
    pk = delivery.webhook_id or delivery.channel_id
    assert pk is not None  # a delivery has one target (the delivery_one_target constraint)
    target = model.objects.select_for_update().get(pk=pk)
    if not target.active:
        return
    target.active, target.disabled_reason = False, reason
    target.save(update_fields=["active", "disabled_reason", "updated_at"])
    verb = "webhook.switched_off" if model is Webhook else "chat_channel.switched_off"
    audit.record(actor=None, verb=verb, target=target, data={"reason": reason, "delivery": delivery.pk})


def sweep(limit: int = SWEEP_BATCH) -> int:
    """Queue the job of every queued delivery that is due (its job was lost, or its retry's time has come)."""
    now = timezone.now()
    with transaction.atomic():
        due = list(
            Delivery.objects.filter(
                state=Delivery.State.QUEUED, next_attempt_at__isnull=False, next_attempt_at__lte=now
            )
            .order_by("next_attempt_at")
            .values_list("pk", "attempts")[:limit]
        )
        Delivery.objects.filter(pk__in=[pk for pk, _attempts in due]).update(next_attempt_at=now + LEASE)
    task = import_string(DELIVER_JOB)
    for pk, attempts in due:
        task(pk, attempts)
    return len(due)
