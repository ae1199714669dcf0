# Greek dates: Django's, with a 24-hour clock (a 12-hour "1:52 μ.μ." wrapped in list columns) and one format for
# dates with times everywhere.
from django.conf.locale.el.formats import *  # noqa: F403

DATETIME_FORMAT = "j/n/Y H:i"
SHORT_DATETIME_FORMAT = "j/n/Y H:i"
TIME_FORMAT = "H:i"

# Dates are typed as the language writes them; ISO (2026-12-31) is always understood too.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"]
