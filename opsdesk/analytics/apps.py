from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "opsdesk.analytics"
    label = "analytics"
    verbose_name = "Analytics"
