from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "opsdesk.sla"
    label = "sla"

    def ready(self) -> None:
        from opsdesk.sla import events as sla_events
        from opsdesk.tickets import events

        events.register(*sla_events.kinds())
