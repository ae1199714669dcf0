"""Integrations: outbound webhooks, Slack and Microsoft Teams connections, inbound webhooks, and their deliveries."""
