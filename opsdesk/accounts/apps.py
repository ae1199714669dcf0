from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "opsdesk.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Signals only hook code we do not own: Django's login(), for the audit log.
        from django.contrib.auth.signals import user_logged_in

        from opsdesk.accounts.signals import record_sign_in

        user_logged_in.connect(record_sign_in, dispatch_uid="opsdesk-audit-sign-in")
