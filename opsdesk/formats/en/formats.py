# English dates for an international help desk: day month year and a 24-hour clock, the same on every page.
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"

# Dates are typed as ISO (2026-12-31); "31 Dec 2026" is understood too (no US month-first dates: 03/04 is ambiguous).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d %b %Y"]
