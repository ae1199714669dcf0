# Russian dates: Django's, with one format for dates with times everywhere.
from django.conf.locale.ru.formats import *  # noqa: F403

DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"

# Dates are typed as the language writes them; ISO (2026-12-31) is always understood too.
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"]
