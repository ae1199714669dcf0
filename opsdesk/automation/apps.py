from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "opsdesk.automation"
    label = "automation"
