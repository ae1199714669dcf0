"""Demo channels: the mailbox, chat widget and web form a fresh `make demo` starts with, and the page of an
"example customer website" that `opsdesk demo` serves on another origin (its port + 1) with the widget's script tag
and the form's embed snippet pasted in, as a website owner would. Everything is created through the actions."""

from __future__ import annotations

from django.templatetags.static import static
from django.urls import reverse

from opsdesk.accounts.models import User
from opsdesk.messaging.actions.chat import save_chat_widget
from opsdesk.messaging.actions.mailboxes import create_mailbox
from opsdesk.messaging.actions.webforms import save_webform
from opsdesk.messaging.models import ChatWidget, Mailbox, WebForm
from opsdesk.people.models import Team

DEMO_ADDRESS = "support@opsdesk.example"
WIDGET_NAME = "Example website chat"
FORM_NAME = "Example website contact form"


def _origins(site_port: int) -> list[str]:
    return [f"http://127.0.0.1:{site_port}", f"http://localhost:{site_port}"]


def seed_channels(*, site_port: int) -> None:
    """The demo's mailbox, chat widget and web form, once (a second run keeps them, only adding the site's origins)."""
    admin = User.objects.filter(email="admin@opsdesk.example").first()
    if admin is None:  # not a demo database
        return
    team = Team.objects.order_by("pk").first()
    if not Mailbox.objects.filter(address=DEMO_ADDRESS).exists():
        create_mailbox(
            actor=admin,
            name="OpsDesk Support",
            address=DEMO_ADDRESS,
            team=team,
            language="en",
            signature="OpsDesk Support · support@opsdesk.example",
        )
    widget = ChatWidget.objects.filter(name=WIDGET_NAME).first()
    origins = _origins(site_port)
    if widget is None or not set(origins) <= set(widget.allowed_origins):
        save_chat_widget(
            widget,
            name=WIDGET_NAME,
            team=widget.team if widget else team,
            allowed_origins=sorted({*(widget.allowed_origins if widget else []), *origins}),
            greeting=widget.greeting if widget else "Hi! How can we help you today?",
            greeting_translations=widget.greeting_translations
            if widget
            else {
                "fi": "Hei! Miten voimme auttaa?",
                "sv": "Hej! Hur kan vi hjälpa dig?",
                "ru": "Здравствуйте! Чем мы можем помочь?",
                "el": "Γεια σας! Πώς μπορούμε να βοηθήσουμε;",
            },
            offline_message=widget.offline_message
            if widget
            else "No one is online right now: leave a message and we will answer by email.",
            offline_message_translations=widget.offline_message_translations
            if widget
            else {
                "fi": "Kukaan ei ole juuri nyt paikalla: jätä viesti, niin vastaamme sähköpostitse.",
                "sv": "Ingen är online just nu: lämna ett meddelande så svarar vi per e-post.",
                "ru": "Сейчас никого нет в сети: оставьте сообщение, и мы ответим по электронной почте.",
                "el": "Κανείς δεν είναι συνδεδεμένος τώρα: αφήστε μήνυμα και θα απαντήσουμε με email.",
            },
            actor=admin,
        )
    form = WebForm.objects.filter(name=FORM_NAME).first()
    if form is None or not set(origins) <= set(form.allowed_origins):
        save_webform(
            form,
            name=FORM_NAME,
            title=form.title if form else "Contact us",
            title_translations=form.title_translations
            if form
            else {"fi": "Ota yhteyttä", "sv": "Kontakta oss", "ru": "Свяжитесь с нами", "el": "Επικοινωνήστε μαζί μας"},
            success_message=form.success_message if form else "Thank you! We will answer by email soon.",
            success_message_translations=form.success_message_translations
            if form
            else {
                "fi": "Kiitos! Vastaamme pian sähköpostitse.",
                "sv": "Tack! Vi svarar snart per e-post.",
                "ru": "Спасибо! Мы скоро ответим по электронной почте.",
                "el": "Ευχαριστούμε! Θα απαντήσουμε σύντομα με email.",
            },
            team=form.team if form else team,
            allowed_origins=sorted({*(form.allowed_origins if form else []), *origins}),
            actor=admin,
        )


def site_page(desk_url: str) -> str:
    """The example website's one page: the chat widget's script tag and the web form's snippet, as pasted."""
    desk = desk_url.rstrip("/")
    widget = ChatWidget.objects.filter(name=WIDGET_NAME).first()
    form = WebForm.objects.filter(name=FORM_NAME).first()
    parts = []
    if form is not None:
        parts.append(f'<script src="{desk}{reverse("webforms:webform_embed", args=[form.key])}" async></script>')
    if widget is not None:
        script = f"{desk}{static('messaging/chat-widget.js')}"
        parts.append(f'<script src="{script}" data-widget="{widget.key}" async></script>')
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Example Ltd</title>'
        "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}"
        "</style></head><body><h1>Example Ltd</h1>"
        "<p>A customer's website on another origin, with OpsDesk's chat widget (bottom right) and web form pasted in."
        "</p>" + "".join(parts) + "</body></html>"
    )
