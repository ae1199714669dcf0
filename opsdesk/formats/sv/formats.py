# Swedish dates: Django's, with one format for dates with times everywhere.
from django.conf.locale.sv.formats import *  # noqa: F403

DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
