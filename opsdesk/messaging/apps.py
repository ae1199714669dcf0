from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "opsdesk.messaging"
    label = "messaging"

    def ready(self) -> None:
        # The worker reads every language model once, when it starts, for the `messaging.language` consumer
        # (messaging/language.py); web processes only register this hook, which huey's consumer alone runs.
        from django.conf import settings
        from huey.contrib.djhuey import on_startup

        from opsdesk.messaging import language

        @on_startup()
        def load_language_models() -> None:
            if "messaging.language" not in settings.OPSDESK_EVENT_CONSUMERS:
                return
            language.warm(preload=True)
