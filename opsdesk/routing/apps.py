from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "opsdesk.routing"
    label = "routing"

    def ready(self) -> None:
        from opsdesk.routing import events as routing_events
        from opsdesk.tickets import events

        events.register(*routing_events.kinds())
