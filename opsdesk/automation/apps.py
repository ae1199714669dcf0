from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "opsdesk.automation"
    label = "automation"

    def ready(self) -> None:
        from opsdesk.automation import events as automation_events
        from opsdesk.tickets import events

        events.register(*automation_events.kinds())
