"""The public read-only dashboard links under /shared/dashboard/ (no sign-in; the token decides)."""

from django.urls import path

from opsdesk.analytics.views import sharing

app_name = "analytics_shared"

urlpatterns = [
    path("<str:token>/", sharing.shared_dashboard, name="shared_dashboard"),
    path("<str:token>/feedback.xlsx", sharing.shared_feedback_xlsx, name="shared_feedback_xlsx"),
]
