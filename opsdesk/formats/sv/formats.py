# Swedish dates: Django's, with one format for dates with times everywhere.
from django.conf.locale.sv.formats import *  # noqa: F403

DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"

# Dates are typed as ISO (2026-12-31), the Swedish way.
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
