from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "opsdesk.messaging"
    label = "messaging"

    def ready(self) -> None:
        # The worker reads every language model once, when it starts, for the `messaging.language` consumer
        # (messaging/language.py); web processes only register this hook, which huey's consumer alone runs.
        from huey.contrib.djhuey import on_startup

        from opsdesk.messaging import language

        @on_startup()
        def load_language_models() -> None:
            # `opsdesk worker` has done it before its threads started (core/management/commands/worker.py); this
            # serves huey's own `run_huey`
            language.preload_for_worker()
