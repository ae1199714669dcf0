from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "opsdesk.people"
    label = "people"
