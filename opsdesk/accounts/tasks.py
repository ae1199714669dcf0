"""Account emails."""

from __future__ import annotations

from django.urls import reverse
from huey.contrib.djhuey import db_task

from opsdesk.accounts.models import SignInLink
from opsdesk.core.mail import send_templated


@db_task(retries=3, retry_delay=30)
def send_sign_in_email(link_id: int, raw_token: str) -> None:
    link = SignInLink.objects.select_related("user").get(pk=link_id)
    if link.used_at is None:
        send_templated(
            "accounts/emails/sign_in_link",
            to=link.user.email,
            language=link.user.language,
            context={"user": link.user, "path": reverse("accounts:link_sign_in", args=[raw_token])},
        )
