# Russian dates: Django's, with one format for dates with times everywhere.
from django.conf.locale.ru.formats import *  # noqa: F403

DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
