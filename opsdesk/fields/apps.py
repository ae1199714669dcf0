from django.apps import AppConfig


class FieldsConfig(AppConfig):
    name = "opsdesk.fields"
    label = "fields"
    verbose_name = "Custom fields"
