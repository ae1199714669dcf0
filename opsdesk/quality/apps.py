from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "opsdesk.quality"
    label = "quality"

    def ready(self) -> None:
        from opsdesk.quality import events as survey_events
        from opsdesk.tickets import events

        events.register(*survey_events.kinds())
