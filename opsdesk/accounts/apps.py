from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "opsdesk.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Signals only hook code we do not own: Django's sign-in and sign-out, for the audit log.
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from opsdesk.accounts.signals import record_failed_sign_in, record_sign_in

        user_logged_in.connect(record_sign_in, dispatch_uid="opsdesk-audit-sign-in")
        user_login_failed.connect(record_failed_sign_in, dispatch_uid="opsdesk-audit-sign-in-failed")
