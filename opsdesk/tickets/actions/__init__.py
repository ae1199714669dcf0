"""Every write to tickets, by theme: the intake (open tickets, customers' messages), comments (replies, notes),
fields (status, assignment, properties), merging (merge, link, split, customers merged), bulk, saved views; and the
helpers they share (common).

Each action runs in one transaction, re-reads its row with select_for_update(), checks the rule, saves with
update_fields, and records its TicketEvent (METRICS.md §0.1, lifecycle rules of §1). Callers import this package:
`from opsdesk.tickets import actions`, then `actions.reply_to_ticket(...)`.
"""

from opsdesk.tickets.actions.alerts import mark_notifications_read, notify_staff
from opsdesk.tickets.actions.bulk import UNSET, bulk_update
from opsdesk.tickets.actions.comments import add_note, reply_to_ticket
from opsdesk.tickets.actions.common import MAX_BODY_CHARS, MAX_TAGS, check_attachments, clean_tags, default_status
from opsdesk.tickets.actions.fields import (
    assign_ticket,
    change_status,
    set_custom_fields,
    set_following,
    set_priority,
    set_tags,
    set_team,
    set_type,
    solve_as_customer,
    update_properties,
)
from opsdesk.tickets.actions.intake import add_customer_reply, create_ticket
from opsdesk.tickets.actions.language import record_detected_language
from opsdesk.tickets.actions.merging import link_tickets, merge_customers, merge_tickets, split_ticket
from opsdesk.tickets.actions.saved_views import delete_view, save_view

__all__ = [
    "solve_as_customer",
    "MAX_BODY_CHARS",
    "MAX_TAGS",
    "UNSET",
    "add_customer_reply",
    "add_note",
    "assign_ticket",
    "bulk_update",
    "change_status",
    "check_attachments",
    "clean_tags",
    "create_ticket",
    "default_status",
    "delete_view",
    "link_tickets",
    "mark_notifications_read",
    "merge_customers",
    "merge_tickets",
    "notify_staff",
    "record_detected_language",
    "reply_to_ticket",
    "save_view",
    "set_custom_fields",
    "set_following",
    "set_priority",
    "set_tags",
    "set_team",
    "set_type",
    "split_ticket",
    "update_properties",
]
