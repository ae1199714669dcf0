"""Scheduled reports under /analytics/reports/ (the project's URL map includes this module under "analytics/")."""

from django.urls import path

from opsdesk.analytics.views import reports

app_name = "analytics_reports"

urlpatterns = [
    path("reports/", reports.subscription_list, name="subscription_list"),
    path("reports/preview/", reports.report_preview, name="report_preview"),
    path("reports/preview/email/", reports.report_preview_email, name="report_preview_email"),
    path("reports/<int:subscription_id>/", reports.subscription_edit, name="subscription_edit"),
    path("reports/<int:subscription_id>/stop/", reports.subscription_stop, name="subscription_stop"),
    path("reports/unsubscribe/<str:token>/", reports.unsubscribe, name="unsubscribe"),
]
