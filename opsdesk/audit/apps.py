from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "opsdesk.audit"
    label = "audit"
