from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "opsdesk.quality"
    label = "quality"
