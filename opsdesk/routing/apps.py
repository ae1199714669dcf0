from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "opsdesk.routing"
    label = "routing"
