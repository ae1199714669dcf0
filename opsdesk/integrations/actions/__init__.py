"""Every write of the integrations app: configuration (config), deliveries (deliveries: the interface other apps
call, `post_to_channel` and `send_to_webhook`), and inbound hook requests (inbound)."""

from opsdesk.integrations.actions.config import (
    delete_channel,
    delete_inbound_hook,
    delete_webhook,
    rotate_inbound_secret,
    rotate_webhook_secret,
    save_channel,
    save_inbound_hook,
    save_webhook,
)
from opsdesk.integrations.actions.deliveries import (
    ping_webhook,
    post_to_channel,
    redeliver,
    send_to_webhook,
    test_channel,
)

__all__ = [
    "delete_channel",
    "delete_inbound_hook",
    "delete_webhook",
    "ping_webhook",
    "post_to_channel",
    "redeliver",
    "rotate_inbound_secret",
    "rotate_webhook_secret",
    "save_channel",
    "save_inbound_hook",
    "save_webhook",
    "send_to_webhook",
    "test_channel",
]
