"""Every write of the SLA app: calendars, policies and escalations, and the clocks kept from the ticket events."""

from opsdesk.sla.actions.calendars import (
    FIRST_YEAR,
    LAST_YEAR,
    NAME_LIMIT,
    add_holiday,
    delete_exception,
    delete_holiday,
    generate_holidays,
    import_holidays,
    save_calendar,
    save_exception,
    set_default_calendar,
    set_feed,
    supported_countries,
    sync_feed,
    windows_error,
)

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "NAME_LIMIT",
    "add_holiday",
    "delete_exception",
    "delete_holiday",
    "generate_holidays",
    "import_holidays",
    "save_calendar",
    "save_exception",
    "set_default_calendar",
    "set_feed",
    "sync_feed",
    "supported_countries",
    "windows_error",
]
