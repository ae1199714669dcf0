from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "opsdesk.workforce"
    label = "workforce"
