"""English date formats for the console: times carry seconds (runs last seconds, not minutes), dates stay
readable. Django reads this module through FORMAT_MODULE_PATH (raptorflow/settings/base.py)."""

DATETIME_FORMAT = "N j, Y, H:i:s"
SHORT_DATETIME_FORMAT = "Y-m-d H:i:s"
TIME_FORMAT = "H:i:s"
