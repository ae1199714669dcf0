# Finnish dates: Django's, with one format for dates with times everywhere (the long "j. E Y kello G.i" wrapped).
from django.conf.locale.fi.formats import *  # noqa: F403

DATETIME_FORMAT = "j.n.Y G.i"
SHORT_DATETIME_FORMAT = "j.n.Y G.i"

# Dates are typed as the language writes them; ISO (2026-12-31) is always understood too.
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"]
