"""The demo's channels: created once through the actions (with their audit rows), the example website's page
carrying the widget's script tag and the form's snippet, and the widget and form accepting that website's origin."""

from __future__ import annotations

import pytest

from opsdesk.audit.models import AuditEvent
from opsdesk.messaging import demo
from opsdesk.messaging.models import ChatWidget, Mailbox, WebForm
from opsdesk.tickets import seeding

VERBS = ["mailbox.created", "chat_widget.saved", "webform.created"]


@pytest.mark.django_db
def test_demo_channels_are_created_once_and_the_site_page_embeds_them() -> None:
    seeding.seed_reference_data()
    demo.seed_channels(site_port=8001)
    demo.seed_channels(site_port=8001)
    widget, form = ChatWidget.objects.get(), WebForm.objects.get()
    assert Mailbox.objects.get().address == "support@opsdesk.example"
    assert widget.allowed_origins == ["http://127.0.0.1:8001", "http://localhost:8001"]
    assert form.allowed_origins == ["http://127.0.0.1:8001", "http://localhost:8001"]
    assert widget.greeting_translations["el"] == "Γεια σας! Πώς μπορούμε να βοηθήσουμε;"
    channel_verbs = AuditEvent.objects.filter(verb__regex=r"^(mailbox|chat_widget|webform)\.").order_by("pk")
    assert list(channel_verbs.values_list("verb", flat=True)) == VERBS
    # another port adds its origins to the same widget and form
    demo.seed_channels(site_port=9001)
    widget.refresh_from_db()
    assert widget.allowed_origins == [
        "http://127.0.0.1:8001",
        "http://127.0.0.1:9001",
        "http://localhost:8001",
        "http://localhost:9001",
    ]
    page = demo.site_page("http://127.0.0.1:8000/")
    assert f'data-widget="{widget.key}"' in page
    assert 'src="http://127.0.0.1:8000/static/messaging/chat-widget.js"' in page
    assert f"http://127.0.0.1:8000/forms/{form.key}/embed.js" in page


@pytest.mark.django_db
def test_no_demo_channels_without_the_demo_users() -> None:
    demo.seed_channels(site_port=8001)
    assert not (Mailbox.objects.exists() or ChatWidget.objects.exists() or WebForm.objects.exists())
