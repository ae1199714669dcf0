"""Every write of the analytics app made by people or their jobs: scheduled report subscriptions and their sending
(reports.py), the audit record of an export (exports.py). Facts and rollups are derived data, kept by rollups.py."""
