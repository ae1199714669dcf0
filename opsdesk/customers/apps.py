from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "opsdesk.customers"
    label = "customers"
