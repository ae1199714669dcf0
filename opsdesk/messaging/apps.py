from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "opsdesk.messaging"
    label = "messaging"
