from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "opsdesk.integrations"
    label = "integrations"
